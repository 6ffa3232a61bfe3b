package io.vigil.agent.policy.plan;

import io.vigil.policy.ActionType;
import io.vigil.policy.ArgType;
import io.vigil.policy.HookSpec;
import io.vigil.policy.MatchAction;
import io.vigil.policy.Selector;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hooks whose {@code Override} Vigil carries out without BPF LSM, fmod_ret or kprobe error
 * injection: those a cgroup sock_addr program sees before the protocol runs (bpf_generic_sockaddr.c),
 * and file opens and execs, which fanotify permission events hold until the agent answers.
 * The same placement is used on every backend, so a deny behaves alike everywhere.
 * tracing-policies/README.md ("Override") documents this table; keep the two in step.
 */
public final class OverridePlacement {
    private OverridePlacement() {}

    /** Which cgroup sock_addr programs serve the hook. */
    public enum Family {
        /** connect(2) of IPv4/IPv6 sockets, TCP and UDP */
        CONNECT("gen_connect4", "gen_connect6"),
        /** sendto/sendmsg with a destination address on an unconnected UDP socket */
        SENDMSG("gen_sendmsg4", "gen_sendmsg6"),
        /** opens of the files the selectors name: FAN_OPEN_PERM, answered by the agent */
        OPEN,
        /**
         * execs of the files the selectors name: FAN_OPEN_EXEC_PERM, answered by the agent; when they
         * name none and no BPF LSM runs, every exec ({@link #EVERY_FILESYSTEM})
         */
        EXEC;

        private final List<String> programs;

        Family(String... programs) {
            this.programs = List.of(programs);
        }

        /** The cgroup programs; empty for the fanotify families. */
        public List<String> programs() {
            return programs;
        }

        public boolean fanotify() {
            return programs.isEmpty();
        }
    }

    /**
     * The attachment target of an exec hook on filesystem-wide FAN_OPEN_EXEC_PERM marks (its selectors
     * name no file): what `vigil policy list` shows, and what tells FanotifyHooks to mark every filesystem.
     * A hook on marks of the files it names has the target "".
     */
    public static final String EVERY_FILESYSTEM = "FAN_OPEN_EXEC_PERM (every filesystem)";

    private static final Set<ArgType> SOCKETS = EnumSet.of(ArgType.SOCK, ArgType.SOCKET, ArgType.SOCKADDR);
    /** The file a fanotify event names, as the path the kernel resolved (symlinks followed). */
    private static final Set<ArgType> FILES = EnumSet.of(ArgType.FILE, ArgType.PATH, ArgType.STRING, ArgType.FD,
            ArgType.LINUX_BINPRM);

    /**
     * @param family which programs
     * @param args   the argument indexes the context can stand for (each gets the connect's tuple:
     *               family, type, protocol, local end, peer), and the types it can be read as
     */
    public record Served(String function, Family family, Map<Integer, Set<ArgType>> args) {}

    private static final Map<String, Served> FUNCTIONS = Map.of(
            "security_socket_connect", new Served("security_socket_connect", Family.CONNECT, Map.of(0, SOCKETS, 1, SOCKETS)),
            "security_socket_sendmsg", new Served("security_socket_sendmsg", Family.SENDMSG, Map.of(0, SOCKETS)),
            "security_file_open", new Served("security_file_open", Family.OPEN, Map.of(0, FILES)),
            "security_bprm_check", new Served("security_bprm_check", Family.EXEC, Map.of(0, FILES)));
    private static final Map<String, Served> SYSCALLS = Map.of(
            "connect", new Served("connect", Family.CONNECT, Map.of(0, SOCKETS, 1, SOCKETS)),
            "sendto", new Served("sendto", Family.SENDMSG, Map.of(0, SOCKETS, 4, SOCKETS)),
            "sendmsg", new Served("sendmsg", Family.SENDMSG, Map.of(0, SOCKETS)),
            "openat", new Served("openat", Family.OPEN, Map.of(1, FILES)),
            "openat2", new Served("openat2", Family.OPEN, Map.of(1, FILES)),
            "open", new Served("open", Family.OPEN, Map.of(0, FILES)),
            "creat", new Served("creat", Family.OPEN, Map.of(0, FILES)),
            "execve", new Served("execve", Family.EXEC, Map.of(0, FILES)),
            "execveat", new Served("execveat", Family.EXEC, Map.of(1, FILES)));
    private static final Map<String, Served> LSM_HOOKS = Map.of(
            "socket_connect", FUNCTIONS.get("security_socket_connect"),
            "socket_sendmsg", FUNCTIONS.get("security_socket_sendmsg"),
            "file_open", FUNCTIONS.get("security_file_open"),
            "bprm_check_security", FUNCTIONS.get("security_bprm_check"));

    /** Whether a selector of the hook overrides (a return selector's Override counts too). */
    public static boolean overrides(HookSpec h) {
        return h.selectors().stream().anyMatch(s -> has(s, ActionType.OVERRIDE));
    }

    /** Whether a selector of the hook sends a signal (Sigkill, Signal). */
    static boolean signals(HookSpec h) {
        return h.selectors().stream().anyMatch(s -> has(s, ActionType.SIGKILL) || has(s, ActionType.SIGNAL));
    }

    private static boolean has(Selector s, ActionType t) {
        return s.matchActions().stream().map(MatchAction::action).anyMatch(t::equals)
                || s.matchReturnActions().stream().map(MatchAction::action).anyMatch(t::equals);
    }

    public static Optional<Served> forFunction(String function) {
        return Optional.ofNullable(FUNCTIONS.get(function));
    }

    public static Optional<Served> forSyscall(String name) {
        return Optional.ofNullable(SYSCALLS.get(name));
    }

    public static Optional<Served> forLsmHook(String hook) {
        return Optional.ofNullable(LSM_HOOKS.get(hook));
    }

    /** For messages: every hook Override works on. */
    static String servedList() {
        return "kprobes " + String.join(", ", FUNCTIONS.keySet().stream().sorted().toList()) + "; syscalls "
                + SYSCALLS.keySet().stream().sorted().map(s -> "sys_" + s).collect(Collectors.joining(", "))
                + "; lsmhooks " + String.join(", ", LSM_HOOKS.keySet().stream().sorted().toList());
    }
}

package io.vigil.agent.policy.plan;

import io.vigil.policy.ArgType;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Kernel functions that the tracepoint backend (no kprobes, no fentry) serves through tracepoints
 * that see the same event, each with where every parameter of the function comes from and what
 * differs. tracing-policies/README.md ("Hooks on the tracepoint backend") documents this table;
 * keep the two in step.
 */
public final class TracepointEquivalents {
    private TracepointEquivalents() {}

    /** Where a parameter of the function is found on the tracepoint. */
    public enum Source {
        /** syscall argument {@code pos} of sys_enter_X */
        FIELD,
        /** syscall argument {@code pos} of sys_enter_X, an fd: its file, socket or sock */
        FD_FIELD,
        /** the syscall's return value (sys_exit_X) */
        RETURN,
        /** the syscall's return value, an fd: its file */
        RETURN_FD,
        /** a constant of the variant (e.g. MAY_READ for read(2)) */
        CONST,
        /** argument {@code pos} of the typed (tp_btf) tracepoint */
        BTF_ARG
    }

    /**
     * One parameter of the function.
     *
     * @param types the policy types that describe it faithfully; the first is taken for {@code auto}
     */
    public record Param(String name, Source source, int pos, List<ArgType> types) {
        public Param {
            types = List.copyOf(types);
        }
    }

    /**
     * One tracepoint (or sys_enter/sys_exit pair) that serves the function.
     *
     * @param target   a syscall name ("openat": syscalls/sys_enter_openat and sys_exit_openat) or, for
     *                 a typed tracepoint, "subsystem/event" ("sched/sched_process_exec")
     * @param btf      the target is a tp_btf event
     * @param constant the value of the CONST parameter on this variant
     */
    public record Variant(String target, boolean btf, long constant) {
        static Variant syscall(String name) {
            return new Variant(name, false, 0);
        }
    }

    /** Extra conditions that make the tracepoint fire only where the function would. */
    public enum Condition {
        /** the syscall succeeded: return value >= 0 */
        RETURN_OK,
        /** connect(2) reached the protocol: returned 0 or -EINPROGRESS */
        CONNECT_STARTED,
        /** the sock parameter is a TCP socket */
        TCP
    }

    /**
     * @param function    the kernel function ("security_file_open")
     * @param lsmHook     the same hook as a BPF LSM hook name ("file_open"), or empty
     * @param differences what the policy author must know: the exact semantic differences
     */
    public record Equivalent(String function, Optional<String> lsmHook, List<Param> params, List<Variant> variants,
            Set<Condition> conditions, String differences) {
        public Equivalent {
            params = List.copyOf(params);
            variants = List.copyOf(variants);
            conditions = Collections.unmodifiableSet(conditions.isEmpty() ? EnumSet.noneOf(Condition.class)
                    : EnumSet.copyOf(conditions));   // enum order: the compiled filters' order is stable
        }

        /** Whether the tracepoint pair's exit is needed (a parameter or condition uses the return value). */
        public boolean needsExit() {
            return params.stream().anyMatch(p -> p.source() == Source.RETURN || p.source() == Source.RETURN_FD)
                    || conditions.contains(Condition.RETURN_OK) || conditions.contains(Condition.CONNECT_STARTED);
        }
    }

    /** MAY_READ, MAY_WRITE of include/linux/fs.h: security_file_permission's mask. */
    static final long MAY_WRITE = 0x2;
    static final long MAY_READ = 0x4;
    /** -EINPROGRESS: a non-blocking connect that sent its SYN. */
    static final long EINPROGRESS = -115;
    /** IPPROTO_TCP */
    static final long IPPROTO_TCP = 6;

    private static final List<ArgType> INTS = List.of(ArgType.INT, ArgType.INT32, ArgType.SINT32, ArgType.UINT32,
            ArgType.INT64, ArgType.SINT64, ArgType.LONG, ArgType.UINT64, ArgType.ULONG, ArgType.SIZE_T);
    private static final List<Variant> OPENS = Stream.of("openat", "openat2", "open", "creat").map(Variant::syscall).toList();

    private static final List<Equivalent> ALL = List.of(
            new Equivalent("security_file_open", Optional.of("file_open"),
                    List.of(new Param("file", Source.RETURN_FD, 0, List.of(ArgType.FILE))),
                    OPENS, Set.of(Condition.RETURN_OK),
                    "Runs when open(2), openat(2), openat2(2) or creat(2) has returned a new fd, which is resolved to its"
                            + " file. Opens that fail (including those that security_file_open itself, another LSM, denies) are"
                            + " not seen; opens made inside the kernel (exec, overlayfs copy-up, io_uring, open_by_handle_at,"
                            + " fanotify) are not seen. The event comes after the open, not before it."),
            new Equivalent("fd_install", Optional.empty(),
                    List.of(new Param("fd", Source.RETURN, 0, INTS), new Param("file", Source.RETURN_FD, 1, List.of(ArgType.FILE))),
                    OPENS, Set.of(Condition.RETURN_OK),
                    "Only the fds that open(2), openat(2), openat2(2) and creat(2) install; fds from socket, pipe, dup,"
                            + " accept, memfd_create, SCM_RIGHTS, pidfd ... are not seen."),
            new Equivalent("security_file_permission", Optional.of("file_permission"),
                    List.of(new Param("file", Source.FD_FIELD, 0, List.of(ArgType.FILE)),
                            new Param("mask", Source.CONST, 1, INTS)),
                    List.of(new Variant("read", false, MAY_READ), new Variant("pread64", false, MAY_READ),
                            new Variant("readv", false, MAY_READ), new Variant("write", false, MAY_WRITE),
                            new Variant("pwrite64", false, MAY_WRITE), new Variant("writev", false, MAY_WRITE)),
                    Set.of(),
                    "Runs at the entry of read(2), pread64(2), readv(2) (mask MAY_READ = 4) and write(2), pwrite64(2),"
                            + " writev(2) (mask MAY_WRITE = 2), with the fd resolved to its file. Also for calls the kernel"
                            + " then refuses before the permission check (a bad fd: the file argument is empty; an fd not"
                            + " open for that access); not for preadv2/pwritev2, sendfile, splice, copy_file_range, io_uring,"
                            + " or kernel-internal reads and writes. The mask is never MAY_APPEND or MAY_EXEC."),
            new Equivalent("security_socket_connect", Optional.of("socket_connect"),
                    List.of(new Param("sock", Source.FD_FIELD, 0, List.of(ArgType.SOCKET)),
                            new Param("address", Source.FIELD, 1, List.of(ArgType.SOCKADDR)),
                            new Param("addrlen", Source.FIELD, 2, INTS)),
                    List.of(Variant.syscall("connect")), Set.of(),
                    "Runs at the entry of connect(2): also for calls the kernel refuses before the LSM check (bad fd, bad"
                            + " address length); the sockaddr is read from user memory at entry. Not for sendto/sendmsg with"
                            + " MSG_FASTOPEN or in-kernel connects (NFS, SMB, iSCSI)."),
            new Equivalent("tcp_connect", Optional.empty(),
                    List.of(new Param("sk", Source.FD_FIELD, 0, List.of(ArgType.SOCK))),
                    List.of(Variant.syscall("connect")), Set.of(Condition.CONNECT_STARTED, Condition.TCP),
                    "Runs when connect(2) on a TCP socket has returned 0 or -EINPROGRESS (the SYN was sent); the sock is"
                            + " read then, with both ends set. Not for TCP Fast Open (sendto/sendmsg with MSG_FASTOPEN) or"
                            + " in-kernel TCP connects; a blocking connect is reported when it completes, after the handshake."),
            new Equivalent("security_bprm_check", Optional.of("bprm_check_security"),
                    List.of(new Param("bprm", Source.BTF_ARG, 2, List.of(ArgType.LINUX_BINPRM))),
                    List.of(new Variant("sched/sched_process_exec", true, 0)), Set.of(),
                    "Runs on tp_btf/sched_process_exec, once the exec has succeeded, in the new program: execs that fail"
                            + " (or that an LSM denies) are not seen, and enforcement cannot stop the exec. For a script or"
                            + " binfmt_misc program the file is the interpreter, where security_bprm_check runs once per"
                            + " level (script first)."));

    private static final Map<String, Equivalent> BY_FUNCTION =
            ALL.stream().collect(Collectors.toMap(Equivalent::function, Function.identity()));
    private static final Map<String, Equivalent> BY_LSM = ALL.stream().filter(e -> e.lsmHook().isPresent())
            .collect(Collectors.toMap(e -> e.lsmHook().get(), Function.identity()));

    /** Every mapped function, in the README's order. */
    public static List<Equivalent> all() {
        return ALL;
    }

    public static Optional<Equivalent> forFunction(String function) {
        return Optional.ofNullable(BY_FUNCTION.get(function));
    }

    public static Optional<Equivalent> forLsmHook(String hook) {
        return Optional.ofNullable(BY_LSM.get(hook));
    }

    /** The kernel function behind a BPF LSM hook ("file_open" -> "security_file_open"). */
    public static String lsmFunction(String hook) {
        return switch (hook) {
            case "bprm_check_security" -> "security_bprm_check";
            default -> "security_" + hook;
        };
    }

    /** Every integer policy type (for messages and {@code auto}). */
    static Set<ArgType> integerTypes() {
        return EnumSet.copyOf(INTS);
    }
}

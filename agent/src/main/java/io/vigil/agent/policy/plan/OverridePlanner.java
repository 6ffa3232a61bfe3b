package io.vigil.agent.policy.plan;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.bpf.wire.GenericAbi.ArgFlag;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.HookSpec;
import io.vigil.policy.KprobeSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Places a hook whose selectors Override, on every backend ({@link OverridePlacement}): connect and
 * sendmsg hooks on the cgroup sock_addr programs, file open and exec hooks on fanotify marks the
 * agent answers; on kernels that run BPF LSM programs, anything else on an LSM hook goes to a BPF LSM
 * program ({@link #place}); the rest is refused with where Override works. Pure: the kernel comes in as
 * {@link HostFacts}. HookPlanner's part for hooks that deny.
 */
final class OverridePlanner {
    private final HostFacts host;

    OverridePlanner(HostFacts host) {
        this.host = host;
    }

    /**
     * A hook whose selectors Override: on the cgroup sock_addr programs (OverridePlacement), the
     * only place Vigil can make a call fail without BPF LSM or kprobe error injection; every
     * selector of the hook runs there, so its Post selectors see the same calls.
     */
    Optional<HookPlan> plan(HookSpec h, Optional<OverridePlacement.Served> served, String functionName,
            HookDescriptor.Kind kind, String where, HookPlanner.Problems p) {
        return plan(h, served, functionName, kind, where, false, p);
    }

    /** @param everyFilesystem an exec hook whose selectors name no file goes on filesystem-wide marks */
    private Optional<HookPlan> plan(HookSpec h, Optional<OverridePlacement.Served> served, String functionName,
            HookDescriptor.Kind kind, String where, boolean everyFilesystem, HookPlanner.Problems p) {
        if (served.isEmpty()) {
            String lsm = host.bpfLsm()
                    ? " and, on this kernel, BPF LSM programs, which serve LSM hooks and the security_ functions that call"
                    + " them (syscalls cannot fail from BPF here: that needs kprobe error injection)"
                    : " (kernels that run BPF LSM programs also serve LSM hooks and security_ functions; this one does not)";
            p.add(where + ".selectors", "Override on " + h.target() + " cannot be carried out: Vigil makes a call fail"
                    + " from cgroup connect/sendmsg programs and fanotify permission events (file opens, execs), which"
                    + " serve only " + OverridePlacement.servedList() + lsm
                    + ". Use Sigkill (sent in the call) or policy-mode: monitor, or hook one of those");
            return Optional.empty();
        }
        if (OverridePlacement.signals(h)) {
            p.add(where + ".selectors", "Sigkill/Signal and Override on the same hook: Override on " + h.target()
                    + " runs in a cgroup program, which cannot send signals; put Sigkill on another hook (e.g. a second"
                    + " kprobe on the same call) or keep Override alone");
            return Optional.empty();
        }
        if (h instanceof KprobeSpec k && (HookPlanner.needsReturn(k) || k.returnArg().isPresent())) {
            p.add(where + ".return", "Override on " + h.target() + " decides before the call runs: there is no return"
                    + " value to read or filter; drop return/returnArg/matchReturnArgs/returnCopy");
            return Optional.empty();
        }
        if (served.get().family().fanotify()) {
            return planFanotify(h, served.get(), functionName, kind, where, everyFilesystem, p);
        }
        Optional<Path> cgroup = host.cgroup2Root();
        if (cgroup.isEmpty()) {
            p.kernel(where, "Override on " + h.target() + " needs a cgroup v2 hierarchy (mount -t cgroup2 none"
                    + " /sys/fs/cgroup/unified) to attach the connect/sendmsg programs to; none is mounted");
            return Optional.empty();
        }
        OverridePlacement.Served s = served.get();
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : h.args()) {
            Set<ArgType> types = s.args().get(a.index());
            ArgType t = a.type() == ArgType.AUTO && types != null ? ArgType.SOCKADDR : a.type();
            if (types == null || !types.contains(t)) {
                p.add(where + ".args", "argument " + a.index() + " (" + a.type().spelling() + ") of " + h.target()
                        + ": with Override the hook runs on the cgroup " + s.family().name().toLowerCase()
                        + " programs, which see the socket and its peer only: declare "
                        + s.args().keySet().stream().sorted().map(i -> "index " + i).collect(Collectors.joining(" or "))
                        + " as sock, socket or sockaddr");
                return Optional.empty();
            }
            args.add(new ArgPlan(a, t, ArgFlag.CTX_TUPLE, a.index(), 0, 0, 0, 0, 0));
        }
        String root = cgroup.get().toString();
        List<Attachment> at = s.family().programs().stream().map(prog -> new Attachment(prog, AttachKind.CGROUP, root))
                .toList();
        return Optional.of(new HookPlan(h, where, HookPlanner.SOCKADDR_OBJECT, at, 0, false, true, args, 0, kind, functionName, "", "",
                List.of(), Optional.empty()));
    }

    /**
     * File open/exec Override: fanotify permission events on the files, directories the selectors
     * name, answered by the agent (FanotifySelectors evaluates the selectors there, in Java). With
     * {@code everyFilesystem}, an exec hook whose selectors do not name the files goes on
     * FAN_OPEN_EXEC_PERM marks of every filesystem instead: every exec waits for the agent. Never
     * opens: they are far too frequent to hold each one for the agent.
     */
    private Optional<HookPlan> planFanotify(HookSpec h, OverridePlacement.Served s, String functionName,
            HookDescriptor.Kind kind, String where, boolean everyFilesystem, HookPlanner.Problems p) {
        boolean wide = everyFilesystem && s.family() == OverridePlacement.Family.EXEC;
        List<String> why = FanotifySelectors.unsupported(h, s,
                "Override on " + h.target() + " is decided by the agent on a fanotify permission event", !wide);
        if (!why.isEmpty()) {
            why.forEach(w -> p.add(where + ".selectors", w));
            return Optional.empty();
        }
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : h.args()) {
            Set<ArgType> types = s.args().get(a.index());
            ArgType t = a.type() == ArgType.AUTO && types != null ? ArgType.FILE : a.type();
            if (types == null || !types.contains(t)) {
                p.add(where + ".args", "argument " + a.index() + " (" + a.type().spelling() + ") of " + h.target()
                        + ": with Override the hook is decided by the agent on a fanotify event, which names the file only:"
                        + " declare index " + s.args().keySet().iterator().next() + " as file, path, string or linux_binprm");
                return Optional.empty();
            }
            args.add(new ArgPlan(a, t, 0, a.index(), 0, 0, 0, 0, 0));
        }
        String access = s.family() == OverridePlacement.Family.EXEC ? "exec" : "open";
        String target = wide ? OverridePlacement.EVERY_FILESYSTEM : "";
        return Optional.of(new HookPlan(h, where, HookPlanner.FANOTIFY_OBJECT, List.of(new Attachment(access, AttachKind.FANOTIFY, target)),
                0, false, true, args, 0, kind, functionName, "", "", List.of(), Optional.empty()));
    }

    /**
     * Where a hook that Overrides goes. The scoped placements first (cgroup connect/sendmsg programs,
     * fanotify marks on the files the selectors name): they cost nothing elsewhere and match a named
     * file by its inode, so a hard link or a bind mount is the same file. Otherwise, on a kernel that
     * runs BPF LSM programs, a program on the LSM hook, which fails the call with argError before it
     * runs. Otherwise, for an exec hook, fanotify marks on every filesystem (every exec of the host
     * waits for the agent: the last resort). Otherwise the scoped placement's reasons.
     *
     * @param lsmHook the BPF LSM hook behind the function, when this kernel can run a program on it
     */
    Optional<HookPlan> place(HookSpec h, Optional<OverridePlacement.Served> served, String functionName,
            Optional<String> lsmHook, HookDescriptor.Kind kind, String where, HookPlanner.Problems p) {
        HookPlanner.Problems scoped = p.scratch();
        Optional<HookPlan> plan = plan(h, served, functionName, kind, where, scoped);
        if (plan.isPresent()) {
            p.absorb(scoped);
            return plan;
        }
        if (lsmHook.isPresent()) {
            return planBpfLsm(h, lsmHook.get(), functionName, kind, where, p);
        }
        if (served.isPresent() && served.get().family() == OverridePlacement.Family.EXEC) {
            return plan(h, served, functionName, kind, where, true, p);   // its reasons are the ones left
        }
        p.absorb(scoped);
        return plan;
    }

    private Optional<HookPlan> planBpfLsm(HookSpec h, String hook, String functionName, HookDescriptor.Kind kind,
            String where, HookPlanner.Problems p) {
        if (h instanceof KprobeSpec k && (HookPlanner.needsReturn(k) || k.returnArg().isPresent())) {
            p.add(where + ".return", "Override on " + h.target() + " runs in a BPF LSM program on " + hook + ", which"
                    + " decides before the call runs: there is no return value to read or filter; drop"
                    + " return/returnArg/matchReturnArgs/returnCopy");
            return Optional.empty();
        }
        List<ArgPlan> args = HookPlanner.functionArgs(h.args(), functionName, where, p);
        if (args == null) {
            return Optional.empty();
        }
        return Optional.of(new HookPlan(h, where, HookPlanner.LSM_OBJECT, List.of(new Attachment("generic_lsm", AttachKind.LSM, hook)), 0,
                false, true, args, 0, kind, functionName, "", "", List.of(), Optional.empty()));
    }

    /** The LSM hook a security_ function calls (security_bprm_check: bprm_check_security), or empty. */
    private static Optional<String> lsmHookOf(String function) {
        if (function.equals("security_bprm_check")) {
            return Optional.of("bprm_check_security");
        }
        return function.startsWith("security_") ? Optional.of(function.substring("security_".length())) : Optional.empty();
    }

    /** The LSM hook behind a kernel function, when this kernel runs BPF LSM programs on it. */
    Optional<String> bpfLsmHookOf(String function) {
        return lsmHookOf(function).filter(this::runsBpfLsm);
    }

    /** The LSM hook, when this kernel runs BPF LSM programs on it. */
    Optional<String> bpfLsmHook(String hook) {
        return Optional.of(hook).filter(this::runsBpfLsm);
    }

    private boolean runsBpfLsm(String hook) {
        return host.bpfLsm() && host.functionExists("bpf_lsm_" + hook);
    }
}

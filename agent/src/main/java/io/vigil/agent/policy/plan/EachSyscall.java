package io.vigil.agent.policy.plan;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ListSpec;
import io.vigil.policy.ListType;
import java.util.List;
import java.util.Optional;

/**
 * A {@code generated_syscalls} list as ONE program on raw_syscalls/sys_enter instead of one hook per
 * syscall (some 350 programs, about 2 s each to load on the 2-vCPU development machine, far more in
 * an emulated VM), on every backend: it sees the entry of every syscall, as Tetragon's kprobe.multi
 * on every wrapper does. The record's syscall number is read as a hidden first argument; the event
 * side ({@code policy.events.EachSyscallName}) turns it into Tetragon's function_name
 * ("__x64_sys_getppid") and drops it. Only for hooks that read no argument and no return value and
 * do not Override: those get one hook per syscall (a tracepoint or a kprobe each).
 */
public final class EachSyscall {
    /** A plan's function_name ends with this when the event's syscall number names the function. */
    public static final String ANY = "*";
    static final String RAW_SYS_ENTER = "raw_syscalls/sys_enter";
    /** struct trace_event_raw_sys_enter: the common fields (8 bytes), then long id */
    static final int ID_OFFSET = 8;

    private EachSyscall() {}

    /** Whether this hook of that list runs as the one raw_syscalls program. */
    static boolean serves(KprobeSpec k, ListSpec list) {
        return list.type().orElse(null) == ListType.GENERATED_SYSCALLS
                && k.args().isEmpty() && !HookPlanner.needsReturn(k) && !OverridePlacement.overrides(k);
    }

    static Optional<HookPlan> plan(KprobeSpec k, String where, HostFacts host, HookPlanner.Problems p) {
        if (!host.tracepointExists(RAW_SYS_ENTER)) {
            p.kernel(where + ".call", "no tracepoint " + RAW_SYS_ENTER + " on this kernel for the generated_syscalls list");
            return Optional.empty();
        }
        ArgSpec id = new ArgSpec(0, ArgType.SYSCALL64, 0, false, false, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        ArgPlan nr = new ArgPlan(id, ArgType.SYSCALL64, 0, 0, 0, ID_OFFSET, 8, 0, 0);
        return Optional.of(new HookPlan(k, where, HookPlanner.TP_OBJECT,
                List.of(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, RAW_SYS_ENTER)), 0, false, false, List.of(nr),
                0, HookDescriptor.Kind.KPROBE, host.syscallPrefix() + ANY, "", "", List.of(), Optional.empty()));
    }

    /** Whether the events of d name their syscall from the hidden first argument. */
    public static boolean namesEachCall(HookDescriptor d) {
        return d.kind() == HookDescriptor.Kind.KPROBE && d.functionName().endsWith(ANY);
    }
}

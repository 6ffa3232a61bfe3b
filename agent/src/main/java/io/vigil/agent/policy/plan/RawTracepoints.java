package io.vigil.agent.policy.plan;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.TracepointSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code tracepoints:} hooks with {@code raw: true}, every backend: the generic tp_btf program
 * (bpf_generic_tp.c, generic_tp_btf) on the event. Its context is the tracepoint's TP_PROTO arguments
 * as a u64 array, so argument {@code index} is the position in TP_PROTO (sched_process_exec: 0 the
 * task, 1 old_pid, 2 the linux_binprm), as in Tetragon's raw tracepoints; there is no format file to
 * give a type, so each argument declares one.
 */
final class RawTracepoints {
    /** generic_tp_btf reads ctx[pos & 7]; TP_PROTOs with more than six arguments are rare */
    private static final int MAX_RAW_ARGS = 6;

    private RawTracepoints() {}

    static Optional<HookPlan> plan(TracepointSpec t, String where, HostFacts host, HookPlanner.Problems p) {
        if (!host.tracepointExists(t.target())) {
            p.kernel(where, "no tracepoint " + t.target() + " on this kernel (no events/" + t.target() + " in tracefs)");
            return Optional.empty();
        }
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : t.args()) {
            if (ResolvedArgs.unserved(a, "raw tracepoint " + t.event(), where, p)) {
                return Optional.empty();
            }
            if (a.index() < 0 || a.index() >= MAX_RAW_ARGS) {
                p.add(where + ".args", "argument index " + a.index() + " of raw tracepoint " + t.event()
                        + ": the TP_PROTO arguments 0.." + (MAX_RAW_ARGS - 1) + " can be read");
                return Optional.empty();
            }
            if (a.type() == ArgType.AUTO) {
                p.add(where + ".args", "argument " + a.index() + " of raw tracepoint " + t.event() + " has type auto;"
                        + " a raw tracepoint has no format file to say it: declare it (linux_binprm, file, int, uint64 ...)");
                return Optional.empty();
            }
            if (a.sizeArgIndex() < 0 || a.sizeArgIndex() > MAX_RAW_ARGS) {
                p.add(where + ".args", "sizeArgIndex " + a.sizeArgIndex() + " (1-based) of raw tracepoint " + t.event()
                        + ": arguments 1.." + MAX_RAW_ARGS);
                return Optional.empty();
            }
            args.add(new ArgPlan(a, a.type(), 0, a.index(), a.sizeArgIndex(), 0, 0, 0, 0));
        }
        return Optional.of(new HookPlan(t, where, HookPlanner.TP_OBJECT,
                List.of(new Attachment("generic_tp_btf", AttachKind.TP_BTF, t.event())), 0, false, true, args, 0,
                HookDescriptor.Kind.TRACEPOINT, "", t.subsystem(), t.event(), List.of(), Optional.empty()));
    }
}

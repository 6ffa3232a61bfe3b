package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.bpf.generic.DispatchGroup;
import io.vigil.bpf.generic.GateEncoder;
import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.ArgOperator;
import io.vigil.policy.MatchArgs;
import io.vigil.policy.Selector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which hooks share their tracepoint's dispatcher (bpf_generic_dispatch.c), and their gate: a pure
 * function of the plan and the encoded gen_config.
 *
 * <p>A hook joins when it is entry-only (no return value: those keep their sys_exit pairing) and
 * runs generic_tp_enter alone on a syscalls/sys_enter_* tracepoint. It is gated when every selector
 * has an Equal or Prefix matchArgs on one argument that is a user string read straight from the
 * record (the same field for all selectors); the gate is the union of those values, a superset of
 * what the hook's selectors accept (the member still evaluates all of them). Otherwise it runs on
 * every call, as a standalone hook does.
 */
public final class DispatchGates {
    private DispatchGates() {}

    /**
     * @param tracepoint "syscalls/sys_enter_X"
     * @param gate       the values that may let it match; empty = runs on every call
     * @param ctxOff     the gate string's pointer in the tracepoint record (meaningless without gate)
     */
    public record Dispatch(String tracepoint, Optional<GateEncoder.Gate> gate, int ctxOff) {}

    /** The args[] position a matchArgs filters (PolicyCompiler's slot resolution). */
    public interface ArgSlots {
        int position(MatchArgs m);
    }

    static Optional<Dispatch> of(HookPlan plan, ByteBuffer cfg, ArgSlots slots) {
        if (!HookPlanner.TP_OBJECT.equals(plan.object()) || (plan.flags() & GenericAbi.HookFlag.RETURN) != 0
                || (plan.flags() & GenericAbi.HookFlag.SYSCALL_TP) == 0 || plan.attachments().size() != 1) {
            return Optional.empty();
        }
        HookImage.Attachment a = plan.attachments().get(0);
        if (a.kind() != HookImage.AttachKind.TRACEPOINT || !a.program().equals(DispatchGroup.MEMBER_PROGRAM)
                || !a.target().startsWith("syscalls/sys_enter_")) {
            return Optional.empty();
        }
        return Optional.of(gate(plan, cfg, slots).map(g -> new Dispatch(a.target(), Optional.of(g.gate), g.ctxOff))
                .orElse(new Dispatch(a.target(), Optional.empty(), 0)));
    }

    private record Found(GateEncoder.Gate gate, int ctxOff) {}

    private static Optional<Found> gate(HookPlan plan, ByteBuffer cfg, ArgSlots slots) {
        List<Selector> sels = plan.hook().selectors();
        if (sels.isEmpty()) {
            return Optional.empty();
        }
        int slot = -1;
        List<String> equal = new ArrayList<>();
        List<String> prefix = new ArrayList<>();
        for (Selector s : sels) {
            MatchArgs m = s.matchArgs().stream()
                    .filter(x -> x.operator() == ArgOperator.EQUAL || x.operator() == ArgOperator.PREFIX)
                    .filter(x -> readable(cfg, position(slots, x)))
                    .filter(x -> !x.values().isEmpty())
                    .findFirst().orElse(null);
            if (m == null || (slot >= 0 && position(slots, m) != slot)) {
                return Optional.empty();   // a selector that may match any string: the hook runs always
            }
            slot = position(slots, m);
            (m.operator() == ArgOperator.EQUAL ? equal : prefix).addAll(m.values());
        }
        int off = Short.toUnsignedInt(cfg.getShort(GenericAbi.Config.ARGS + slot * GenericAbi.Arg.SIZEOF + GenericAbi.Arg.CTX_OFF));
        return Optional.of(new Found(new GateEncoder.Gate(equal, prefix), off));
    }

    private static int position(ArgSlots slots, MatchArgs m) {
        try {
            return slots.position(m);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** A user string read from an 8-byte pointer of the record, as the dispatcher reads it. */
    private static boolean readable(ByteBuffer cfg, int pos) {
        if (pos < 0 || pos >= Byte.toUnsignedInt(cfg.get(GenericAbi.Config.NARGS))) {
            return false;
        }
        int a = GenericAbi.Config.ARGS + pos * GenericAbi.Arg.SIZEOF;
        int flags = Byte.toUnsignedInt(cfg.get(a + GenericAbi.Arg.FLAGS));
        int notRaw = GenericAbi.ArgFlag.CONST | GenericAbi.ArgFlag.FROM_RET | GenericAbi.ArgFlag.FROM_FD | GenericAbi.ArgFlag.CTX_TUPLE;
        return cfg.get(a + GenericAbi.Arg.TYPE) == GenericAbi.ArgType.STRING
                && (flags & GenericAbi.ArgFlag.USER) != 0 && (flags & notRaw) == 0
                && cfg.get(a + GenericAbi.Arg.CTX_SIZE) == 8
                && cfg.get(GenericAbi.Config.RESOLVE + pos * GenericAbi.Resolve.SIZEOF + GenericAbi.Resolve.NSTEPS) == 0;
    }
}

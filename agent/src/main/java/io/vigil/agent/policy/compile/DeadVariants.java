package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.plan.ArgPlan;
import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.MatchArgs;
import io.vigil.policy.Selector;
import io.vigil.policy.TracepointSpec;
import java.util.List;
import java.util.OptionalInt;

/**
 * A tracepoint that stands for a kernel function can fix one of its arguments (security_file_permission's
 * mask is MAY_READ on read(2)); when every selector of the hook filters that argument out, the
 * tracepoint could never post and is not loaded at all (a write-only policy puts nothing on the read
 * syscalls). Only Equal, NotEqual, Mask, GT and LT are decided here; any other filter keeps the hook.
 */
final class DeadVariants {
    private DeadVariants() {}

    /** Whether no call on this plan's tracepoint can ever be posted. */
    static boolean neverPosts(HookPlan plan) {
        List<Selector> sels = plan.hook().selectors();
        if (sels.isEmpty() || plan.args().stream().noneMatch(a -> (a.flags() & GenericAbi.ArgFlag.CONST) != 0)) {
            return false;
        }
        return sels.stream().allMatch(s -> s.matchArgs().stream().anyMatch(m -> constantlyFalse(plan, m)));
    }

    private static boolean constantlyFalse(HookPlan plan, MatchArgs m) {
        OptionalInt slot = slot(plan, m);
        if (slot.isEmpty()) {
            return false;
        }
        ArgPlan a = plan.args().get(slot.getAsInt());
        if ((a.flags() & GenericAbi.ArgFlag.CONST) == 0) {
            return false;
        }
        OptionalInt abi = AbiTypes.of(a.type());
        if (abi.isEmpty() || !AbiTypes.integer(abi.getAsInt())) {
            return false;
        }
        long c = a.ctxOff();
        try {
            List<Long> v = m.values().stream().map(x -> Values.integer(x, AbiTypes.range(abi.getAsInt()))).toList();
            return switch (m.operator()) {
                case EQUAL -> !v.contains(c);
                case NOT_EQUAL -> v.contains(c);
                case MASK -> v.stream().allMatch(x -> (x & c) == 0);
                case GREATER_THAN, GT -> v.stream().noneMatch(x -> c > x);
                case LESS_THAN, LT -> v.stream().noneMatch(x -> c < x);
                default -> false;
            };
        } catch (IllegalArgumentException e) {
            return false;   // the encoder reports the bad value
        }
    }

    /** The args[] position a filter reads, as PolicyCompiler resolves it. */
    private static OptionalInt slot(HookPlan plan, MatchArgs m) {
        if (m.args().size() == 1) {
            return OptionalInt.of(m.args().get(0));
        }
        int index = m.index().orElse(0);
        if (plan.hook() instanceof TracepointSpec) {
            return index < plan.args().size() ? OptionalInt.of(index) : OptionalInt.empty();
        }
        for (int i = 0; i < plan.args().size(); i++) {
            if (plan.args().get(i).spec().index() == index) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }
}

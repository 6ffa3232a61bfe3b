package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.HookDescriptor.ArgDescriptor;
import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.KprobeSpec;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A kprobe's {@code returnArg} of type sock (sk_alloc, inet_csk_accept ...): the returned struct
 * sock * is read as a sock argument is, through one more args[] slot that takes the return value
 * (VIGIL_GEN_ARG_FROM_RET, filled at return by gen_fill_ret). The slot comes after the declared
 * arguments, so theirs keep their positions; matchReturnArgs filter that slot, and the event
 * factory reports it as the event's return (io.vigil.agent.policy.events.PolicyEventFactory).
 */
final class ReturnSock {
    private ReturnSock() {}

    /** The plan's kprobe returns a sock (with return: true). */
    static boolean carried(HookPlan plan) {
        return (plan.flags() & GenericAbi.HookFlag.RETURN) != 0 && plan.hook() instanceof KprobeSpec k
                && k.returnArg().map(a -> AbiTypes.of(a.type()).orElse(-1) == GenericAbi.ArgType.SOCK).orElse(false);
    }

    /** args[] position of the returned sock: right after the declared arguments. */
    static int slot(HookPlan plan) {
        return plan.args().size();
    }

    /** Writes the extra slot and ret_type; the descriptor of the event's return. */
    static Optional<ArgDescriptor> encode(HookPlan plan, ArgSpec spec, ByteBuffer cfg, Problems problems) {
        String where = plan.where() + ".returnArg";
        if (!plan.kernelStructs()) {
            problems.add(where, "return type sock is read through a kernel pointer, which this hook's backend cannot");
            return Optional.empty();
        }
        int slot = slot(plan);
        if (slot >= GenericAbi.MAX_ARGS) {
            problems.add(where, "a sock return value takes an argument slot: at most " + (GenericAbi.MAX_ARGS - 1)
                    + " args beside it, got " + slot);
            return Optional.empty();
        }
        int off = GenericAbi.Config.ARGS + slot * GenericAbi.Arg.SIZEOF;
        cfg.put(off + GenericAbi.Arg.TYPE, (byte) GenericAbi.ArgType.SOCK);
        cfg.put(off + GenericAbi.Arg.FLAGS, (byte) GenericAbi.ArgFlag.FROM_RET);
        cfg.put(GenericAbi.Config.NARGS, (byte) (slot + 1));
        cfg.put(GenericAbi.Config.RET_TYPE, (byte) GenericAbi.ArgType.S64);   // msg_generic.ret: the pointer, unused
        return Optional.of(new ArgDescriptor(GenericAbi.ArgType.SOCK, spec.type().spelling(), spec.label()));
    }
}

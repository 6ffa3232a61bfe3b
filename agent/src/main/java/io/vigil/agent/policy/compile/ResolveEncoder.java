package io.vigil.agent.policy.compile;

import io.vigil.agent.btf.ResolvedField;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.ByteBuffer;
import java.util.Optional;

/** Writes an argument's compiled resolve path into gen_config.resolve[slot] (struct gen_resolve). */
final class ResolveEncoder {
    private ResolveEncoder() {}

    static void put(ByteBuffer cfg, int slot, Optional<ResolvedField> resolve) {
        if (resolve.isEmpty()) {
            return;   // nsteps 0: the argument itself is read
        }
        ResolvedField r = resolve.get();
        if (r.offsets().isEmpty() || r.offsets().size() > GenericAbi.RESOLVE_STEPS) {
            throw new IllegalArgumentException("resolve of " + r.offsets().size() + " steps; 1.." + GenericAbi.RESOLVE_STEPS);
        }
        int base = GenericAbi.Config.RESOLVE + slot * GenericAbi.Resolve.SIZEOF;
        cfg.put(base + GenericAbi.Resolve.NSTEPS, (byte) r.offsets().size());
        cfg.put(base + GenericAbi.Resolve.SIZE, (byte) r.size());
        cfg.put(base + GenericAbi.Resolve.BASE, (byte) (r.fromTask() ? GenericAbi.ResolveBase.TASK : GenericAbi.ResolveBase.ARG));
        for (int k = 0; k < r.offsets().size(); k++) {
            cfg.putInt(base + GenericAbi.Resolve.OFF + 4 * k, r.offsets().get(k));
        }
    }
}

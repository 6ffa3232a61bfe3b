package io.vigil.agent.policy.events;

import java.util.ArrayList;
import java.util.List;

/**
 * A module's taint bits (struct module.taints, 1 << TAINT_* of include/linux/panic.h) as the names
 * of Tetragon's TaintedBitsType, whose values are those bits. Bits Tetragon has no name for are
 * left out, as Tetragon leaves them.
 */
final class Taints {
    private Taints() {}

    private static final long[] BITS = {1L, 2L, 4L, 1024L, 4096L, 8192L, 32768L, 262144L};
    private static final String[] NAMES = {"TAINT_PROPRIETARY_MODULE", "TAINT_FORCED_MODULE", "TAINT_FORCED_UNLOAD_MODULE",
            "TAINT_STAGED_MODULE", "TAINT_OUT_OF_TREE_MODULE", "TAINT_UNSIGNED_MODULE", "TAINT_KERNEL_LIVE_PATCH_MODULE",
            "TAINT_TEST_MODULE"};

    /** The names of the set bits, lowest first. */
    static List<String> names(long taints) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < BITS.length; i++) {
            if ((taints & BITS[i]) != 0) {
                out.add(NAMES[i]);
            }
        }
        return out;
    }
}

package io.vigil.agent.policy.compile;

import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.MatchBinaries;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * matchBinaries bits of one compile: each distinct (table, values, followChildren) takes the
 * lowest bit free among the 64, and its values go into the binary tables with that bit. In and
 * NotIn over the same values share a bit; the selector's bin_op says which.
 */
final class BinaryBits {
    private final long usedBefore;
    private long taken;
    private long follow;
    private final Map<String, Long> exact = new TreeMap<>();
    private final Map<String, Long> prefixes = new TreeMap<>();
    private final Map<String, Long> postfixes = new TreeMap<>();
    private final Map<String, Integer> shared = new HashMap<>();

    BinaryBits(long usedBefore) {
        this.usedBefore = usedBefore;
    }

    /** The bit of this filter; empty when all 64 are in use. Paths too long throw IllegalArgumentException. */
    OptionalInt bitFor(MatchBinaries mb) {
        Map<String, Long> table = switch (mb.operator()) {
            case IN, NOT_IN -> exact;
            case PREFIX, NOT_PREFIX -> prefixes;
            case POSTFIX, NOT_POSTFIX -> postfixes;
        };
        int max = table == exact ? GenericAbi.STR_KEY - 1 : GenericAbi.STR_KEY;
        for (String v : mb.values()) {
            if (v.getBytes(StandardCharsets.UTF_8).length > max) {
                throw new IllegalArgumentException("binary '" + v + "' is longer than " + max + " bytes");
            }
        }
        String key = (table == exact ? "exact" : table == prefixes ? "prefix" : "postfix") + mb.followChildren()
                + List.copyOf(new java.util.TreeSet<>(mb.values()));
        Integer known = shared.get(key);
        if (known != null) {
            return OptionalInt.of(known);
        }
        long free = ~(usedBefore | taken);
        if (free == 0) {
            return OptionalInt.empty();
        }
        int bit = Long.numberOfTrailingZeros(free);
        taken |= 1L << bit;
        shared.put(key, bit);
        for (String v : mb.values()) {
            table.merge(v, 1L << bit, (a, b) -> a | b);
        }
        if (mb.followChildren()) {
            follow |= 1L << bit;
        }
        return OptionalInt.of(bit);
    }

    long taken() {
        return taken;
    }

    BinaryTableSet tables() {
        return new BinaryTableSet(exact, prefixes, postfixes, follow);
    }
}

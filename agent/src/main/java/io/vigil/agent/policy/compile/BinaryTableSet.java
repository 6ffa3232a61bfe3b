package io.vigil.agent.policy.compile;

import java.util.Map;
import java.util.TreeMap;

/**
 * matchBinaries tables in the shape {@code io.vigil.bpf.generic.BinaryTables#replace} takes: path,
 * prefix or postfix -> bits of the filters it satisfies. Merge the sets of every loaded policy and
 * replace; BinaryTables adds the prefix closure (each stored prefix also carries the bits of the
 * shorter stored prefixes of it) when it writes the LPM tries.
 */
public record BinaryTableSet(Map<String, Long> exact, Map<String, Long> prefixes, Map<String, Long> postfixes,
        long followMask) {
    public static final BinaryTableSet EMPTY = new BinaryTableSet(Map.of(), Map.of(), Map.of(), 0);

    public BinaryTableSet {
        exact = Map.copyOf(exact);
        prefixes = Map.copyOf(prefixes);
        postfixes = Map.copyOf(postfixes);
    }

    /** The union: a path present in both carries the bits of both. */
    public BinaryTableSet merge(BinaryTableSet o) {
        return new BinaryTableSet(union(exact, o.exact), union(prefixes, o.prefixes), union(postfixes, o.postfixes),
                followMask | o.followMask);
    }

    private static Map<String, Long> union(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> m = new TreeMap<>(a);
        b.forEach((k, v) -> m.merge(k, v, (x, y) -> x | y));
        return m;
    }
}

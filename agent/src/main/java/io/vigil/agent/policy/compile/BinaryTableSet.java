package io.vigil.agent.policy.compile;

import io.vigil.bpf.generic.HookImage.MapEntry;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * The bits the exec sensor gives a process that exec'd {@code path} (lib/binaries.h
     * exec_bin_bits), without the followChildren bits inherited from its ancestors.
     */
    public long bitsOf(String path) {
        long bits = exact.getOrDefault(path, 0L);
        for (Map.Entry<String, Long> e : prefixes.entrySet()) {
            if (path.startsWith(e.getKey())) {
                bits |= e.getValue();
            }
        }
        for (Map.Entry<String, Long> e : postfixes.entrySet()) {
            if (path.endsWith(e.getKey())) {
                bits |= e.getValue();
            }
        }
        return bits;
    }

    /**
     * The exact entries of the exec sensor's bin_names, bin_prefix and bin_postfix maps for these
     * tables (lib/binaries.h, GenericAbi.BinPathKey/BinLpmKey; values u64 little-endian): a stored
     * prefix (postfix) carries the bits of every stored prefix (postfix) it starts with, because an
     * LPM lookup answers with the longest match only. Merge every loaded policy's set first.
     */
    public List<MapEntry> mapEntries() {
        List<MapEntry> out = new ArrayList<>();
        new TreeMap<>(exact).forEach((path, bits) -> {
            byte[] b = path.getBytes(StandardCharsets.UTF_8);
            out.add(new MapEntry("bin_names", Arrays.copyOf(b, GenericAbi.BinPathKey.SIZEOF), u64(bits)));
        });
        lpm("bin_prefix", prefixes, false, out);
        lpm("bin_postfix", postfixes, true, out);
        return out;
    }

    private static void lpm(String map, Map<String, Long> table, boolean reversed, List<MapEntry> out) {
        Map<String, byte[]> keys = new TreeMap<>();
        table.keySet().forEach(k -> {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            if (reversed) {
                for (int i = 0, j = b.length - 1; i < j; i++, j--) {
                    byte t = b[i];
                    b[i] = b[j];
                    b[j] = t;
                }
            }
            keys.put(k, b);
        });
        for (Map.Entry<String, byte[]> e : keys.entrySet()) {
            byte[] s = e.getValue();
            long bits = 0;
            for (Map.Entry<String, byte[]> o : keys.entrySet()) {
                byte[] p = o.getValue();
                if (p.length <= s.length && Arrays.equals(s, 0, p.length, p, 0, p.length)) {
                    bits |= table.get(o.getKey());
                }
            }
            ByteBuffer k = ByteBuffer.allocate(GenericAbi.BinLpmKey.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
            k.putInt(GenericAbi.BinLpmKey.PREFIXLEN, 8 * s.length).put(GenericAbi.BinLpmKey.PATH, s);
            out.add(new MapEntry(map, k.array(), u64(bits)));
        }
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v).array();
    }

    private static Map<String, Long> union(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> m = new TreeMap<>(a);
        b.forEach((k, v) -> m.merge(k, v, (x, y) -> x | y));
        return m;
    }
}

package io.vigil.bpf.generic;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the exec sensor's matchBinaries tables (lib/binaries.h): bin_names, bin_prefix,
 * bin_postfix, bin_follow[0] and bin_alloc[0]. Each path, prefix or postfix maps to the bits of
 * the matchBinaries filters it satisfies (bits allocated by the policy side). {@link #replace}
 * makes the tables exactly the given ones: an LPM lookup answers with the longest stored match
 * only, so each stored prefix carries the bits of every shorter one that is its prefix too.
 * Takes effect for processes that exec afterwards.
 */
public final class BinaryTables {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final BpfMap names;
    private final BpfMap prefix;
    private final BpfMap postfix;
    private final BpfMap follow;
    private final BpfMap alloc;

    /** @param maps the exec sensor's maps by name (e.g. {@code execObject::map}) */
    public BinaryTables(Function<String, BpfMap> maps) {
        this.names = maps.apply("bin_names");
        this.prefix = maps.apply("bin_prefix");
        this.postfix = maps.apply("bin_postfix");
        this.follow = maps.apply("bin_follow");
        this.alloc = maps.apply("bin_alloc");
    }

    /**
     * @param exact     full binary paths -> bits (matchBinaries In/NotIn)
     * @param prefixes  path prefixes -> bits (Prefix); at most {@value GenericAbi#STR_KEY} bytes
     * @param postfixes path suffixes -> bits (Postfix); at most {@value GenericAbi#STR_KEY} bytes
     * @param followMask bits of the filters with followChildren: kept by the children across exec
     */
    public void replace(Map<String, Long> exact, Map<String, Long> prefixes, Map<String, Long> postfixes, long followMask)
            throws BpfException {
        long all = followMask;
        Set<ByteBuffer> keep = new HashSet<>();
        for (Map.Entry<String, Long> e : exact.entrySet()) {
            byte[] k = pathKey(e.getKey());
            names.update(k, longValue(e.getValue()));
            keep.add(ByteBuffer.wrap(k));
            all |= e.getValue();
        }
        deleteOthers(names, keep);
        all |= writeLpm(prefix, prefixes, false);
        all |= writeLpm(postfix, postfixes, true);
        follow.update(0, longValue(followMask));
        alloc.update(0, longValue(all));
    }

    private static long writeLpm(BpfMap map, Map<String, Long> entries, boolean reversed) throws BpfException {
        List<byte[]> strs = new ArrayList<>();
        List<Long> bits = new ArrayList<>();
        long all = 0;
        for (Map.Entry<String, Long> e : entries.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (b.length > GenericAbi.STR_KEY) {
                throw new IllegalArgumentException("binary " + (reversed ? "postfix" : "prefix") + " longer than "
                        + GenericAbi.STR_KEY + " bytes: " + e.getKey());
            }
            strs.add(reversed ? reverse(b) : b);
            bits.add(e.getValue());
            all |= e.getValue();
        }
        Set<ByteBuffer> keep = new HashSet<>();
        for (int i = 0; i < strs.size(); i++) {
            long v = 0;
            for (int j = 0; j < strs.size(); j++) {
                if (startsWith(strs.get(i), strs.get(j))) {
                    v |= bits.get(j);
                }
            }
            byte[] k = lpmKey(strs.get(i));
            map.update(k, longValue(v));
            keep.add(ByteBuffer.wrap(k));
        }
        deleteOthers(map, keep);
        return all;
    }

    private static void deleteOthers(BpfMap map, Set<ByteBuffer> keep) throws BpfException {
        for (byte[] k : map.keys()) {
            if (!keep.contains(ByteBuffer.wrap(k))) {
                map.delete(k);
            }
        }
    }

    static byte[] pathKey(String path) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        if (b.length > GenericAbi.STR_KEY - 1) {
            throw new IllegalArgumentException("binary path longer than " + (GenericAbi.STR_KEY - 1) + " bytes: " + path);
        }
        return Arrays.copyOf(b, GenericAbi.BinPathKey.SIZEOF);
    }

    static byte[] lpmKey(byte[] str) {
        ByteBuffer k = ByteBuffer.allocate(GenericAbi.BinLpmKey.SIZEOF).order(ORDER);
        k.putInt(GenericAbi.BinLpmKey.PREFIXLEN, 8 * str.length);
        k.put(GenericAbi.BinLpmKey.PATH, str);
        return k.array();
    }

    private static byte[] longValue(long v) {
        return ByteBuffer.allocate(8).order(ORDER).putLong(0, v).array();
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    private static boolean startsWith(byte[] s, byte[] prefix) {
        return prefix.length <= s.length && Arrays.equals(s, 0, prefix.length, prefix, 0, prefix.length);
    }
}

package io.vigil.enforcement.asset;

import io.vigil.bpf.wire.AssetAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Allow rules → the entries of asset_allow4 / asset_allow6 (asset_abi.h; offsets from AssetAbi). Pure.
 *
 * <pre>
 * key4   := prefixlen:u32le  policy:u32be  addr:4      prefixlen = 32 + CIDR bits (the policy is
 * key6   := prefixlen:u32le  policy:u32be  addr:16     the first 32 bits of the trie's prefix)
 * value  := port:u16le * 16  count:u8  proto:u8  pad:6  (40 bytes; count 0 = any port; unused
 *                                                       port slots 0; proto 0 = any)
 * </pre>
 *
 * Rules with the same (policy, prefix) merge into one entry. The trie answers with the longest
 * match only, so a nested entry carries the ports of every entry of its policy that encloses it:
 * 10.0.0.0/8 :443 and 10.1.0.0/16 :80 give 10.1.0.0/16 {80, 443}. Entries come out ordered by
 * policy, address, prefix length.
 */
public final class AllowListEncoder {
    private AllowListEncoder() {}

    /** One map entry in the C layout. */
    public record Entry(byte[] key, byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Entry[" + Hex.of(key) + " -> " + Hex.of(value) + "]";
        }
    }

    /** The entries of asset_allow4 and asset_allow6. */
    public record Encoded(List<Entry> v4, List<Entry> v6) {
        public Encoded {
            v4 = List.copyOf(v4);
            v6 = List.copyOf(v6);
        }
    }

    /** @throws IllegalArgumentException when an entry would hold more than 16 ports after folding */
    public static Encoded encode(List<AllowRule> rules) {
        Map<Prefix, PortSet> merged = new TreeMap<>(Prefix.ORDER);
        for (AllowRule r : rules) {
            merged.merge(Prefix.of(r), PortSet.of(r.ports(), r.protoBits()), PortSet::union);
        }
        List<Entry> v4 = new ArrayList<>();
        List<Entry> v6 = new ArrayList<>();
        // In this order an enclosing prefix comes before what it encloses, so a stack holds the
        // chain of enclosing entries of the current one, each already folded.
        Deque<Map.Entry<Prefix, PortSet>> enclosing = new ArrayDeque<>();
        for (Map.Entry<Prefix, PortSet> e : merged.entrySet()) {
            Prefix p = e.getKey();
            while (!enclosing.isEmpty() && !enclosing.peek().getKey().encloses(p)) {
                enclosing.pop();
            }
            PortSet folded = enclosing.isEmpty() ? e.getValue() : e.getValue().union(enclosing.peek().getValue());
            if (folded.ports().size() > AllowRule.MAX_PORTS) {
                throw new IllegalArgumentException("policy " + p.policy() + ", " + p + ": " + folded.ports().size()
                        + " ports " + folded.ports() + " once the ports of the prefixes enclosing it are folded in;"
                        + " an allow entry holds at most " + AllowRule.MAX_PORTS
                        + " (allow fewer ports, or any port, on the enclosing or the nested prefix)");
            }
            enclosing.push(Map.entry(p, folded));
            Entry entry = new Entry(key(p), portsValue(folded.ports(), folded.protoBits()));
            (p.address().length == 4 ? v4 : v6).add(entry);
        }
        return new Encoded(v4, v6);
    }

    /**
     * struct asset_ports: the ports in ascending order (host byte order, little endian), count,
     * proto. Also the tail of an asset_learned value.
     *
     * @param ports empty = any port
     * @param protoBits 0 = any protocol, else {@link AllowRule#TCP} | {@link AllowRule#UDP}
     */
    public static byte[] portsValue(Set<Integer> ports, int protoBits) {
        if (ports.size() > AllowRule.MAX_PORTS) {
            throw new IllegalArgumentException(ports.size() + " ports; an entry holds at most " + AllowRule.MAX_PORTS);
        }
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.Ports.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.position(AssetAbi.Ports.PORT);
        ports.stream().sorted().forEach(p -> b.putShort((short) (int) p));
        b.put(AssetAbi.Ports.COUNT, (byte) ports.size());
        b.put(AssetAbi.Ports.PROTO, (byte) protoBits);
        return b.array();
    }

    static byte[] key(Prefix p) {
        byte[] addr = p.address();
        boolean v4 = addr.length == 4;
        ByteBuffer b = ByteBuffer.allocate(v4 ? AssetAbi.Allow4Key.SIZEOF : AssetAbi.Allow6Key.SIZEOF);
        // Allow4Key and Allow6Key share the offsets of prefixlen, policy and addr.
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(AssetAbi.Allow4Key.PREFIXLEN, 32 + p.length());
        b.order(ByteOrder.BIG_ENDIAN).putInt(AssetAbi.Allow4Key.POLICY, p.policy());
        b.put(AssetAbi.Allow4Key.ADDR, addr);
        return b.array();
    }

    /** (policy, network address with host bits cleared, length): what a trie entry is keyed by. */
    record Prefix(int policy, byte[] address, int length) {
        static final Comparator<Prefix> ORDER = Comparator.comparingInt(Prefix::policy)
                .thenComparingInt(p -> p.address.length)
                .thenComparing(Prefix::address, Arrays::compareUnsigned)
                .thenComparingInt(Prefix::length);

        static Prefix of(AllowRule r) {
            return new Prefix(r.policy(), masked(r.address(), r.prefixLength()), r.prefixLength());
        }

        static byte[] masked(byte[] address, int length) {
            byte[] a = address.clone();
            for (int bit = length; bit < a.length * 8; bit++) {
                a[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            return a;
        }

        boolean encloses(Prefix other) {
            return policy == other.policy && address.length == other.address.length && length <= other.length
                    && Arrays.equals(address, masked(other.address, length));
        }

        @Override
        public String toString() {
            return AddressText.of(address) + "/" + length;
        }
    }
}

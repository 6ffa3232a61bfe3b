package io.vigil.bpf.generic;

import io.vigil.bpf.wire.GenericAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The gate of a dispatcher (bpf_generic_dispatch.c) as map contents: a pure function from its
 * members' gate values to gen_dispatch_config's masks and the entries of the gen_gate LPM trie.
 *
 * <p>Format. A key is struct gen_gate_key: {@code prefixlen} (u32, bits) then the string bytes. An
 * Equal value is stored with its NUL ({@code "/etc/passwd\0"}, 96 bits), so only that exact string
 * reaches it; a Prefix value without ({@code "/etc/"}, 40 bits). The value is a u32 mask of member
 * slots. The trie answers only the longest match, so each entry's mask is its own slots OR those
 * of every shorter Prefix entry it starts with: {@code "/etc/"→{0}, "/etc/ssh/"→{1}} stores
 * {@code "/etc/ssh/"→{0,1}}. Members without a gate run on every call ({@code always}).
 *
 * <p>Heads. Before it reads the string the dispatcher reads its first 8 bytes and compares them
 * with at most {@value GenericAbi#GATE_HEADS} heads held in the config itself (struct
 * gen_gate_head): a head is a key's first min(8, length) bytes, compared under a mask of that many
 * bytes. A string that matches a key starts with that key's head, so a string matching no head is
 * turned away without the string read and the trie walk. With more distinct heads than fit, all are
 * cut shorter (7 bytes, 6, ...) until they fit; a head that another one starts with is dropped.
 * No heads (none fit even at one byte) means the string is always read.
 */
public final class GateEncoder {
    private GateEncoder() {}

    /**
     * What may let a member run: any of the Equal values, or a string starting with any Prefix value.
     * An empty Prefix value matches everything.
     */
    public record Gate(List<String> equal, List<String> prefix) {
        public Gate {
            equal = List.copyOf(equal);
            prefix = List.copyOf(prefix);
            if (equal.isEmpty() && prefix.isEmpty()) {
                throw new IllegalArgumentException("a gate needs a value (a member without one runs always: Optional.empty())");
            }
        }
    }

    /** A member in slot {@code slot} (0-31); an empty gate runs it on every call. */
    public record Member(int slot, Optional<Gate> gate) {
        public Member {
            if (slot < 0 || slot >= GenericAbi.DISPATCH_SLOTS) {
                throw new IllegalArgumentException("slot " + slot + " is not in 0-" + (GenericAbi.DISPATCH_SLOTS - 1));
            }
            Objects.requireNonNull(gate);
        }
    }

    /**
     * The masks and the trie.
     *
     * @param members the slots holding a member
     * @param always  the members that run on every call
     * @param entries trie entries: key bytes (ISO-8859-1, one char per byte; an Equal ends with NUL) -> slots
     */
    public record Encoded(int members, int always, SortedMap<String, Integer> entries) {
        public static final Encoded EMPTY = new Encoded(0, 0, new TreeMap<>());

        public Encoded {
            entries = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(entries));
        }

        /** Whether any member is gated (the dispatcher reads the string only then). */
        public boolean gated() {
            return !entries.isEmpty();
        }

        /** The heads the dispatcher tests first ({@link #heads(java.util.Collection)} of the keys). */
        public List<String> heads() {
            return GateEncoder.heads(entries.keySet());
        }
    }

    /** Bytes of the string the dispatcher compares with the heads (a __u64). */
    public static final int HEAD = 8;

    /**
     * The heads of a set of keys (see the class comment): sorted, at most {@link GenericAbi#GATE_HEADS},
     * each 1-{@value #HEAD} bytes; empty when there are no keys or the keys' first bytes alone are
     * more than fit.
     */
    public static List<String> heads(java.util.Collection<String> keys) {
        for (int len = HEAD; len >= 1 && !keys.isEmpty(); len--) {
            TreeSet<String> cut = new TreeSet<>();
            for (String k : keys) {
                cut.add(k.substring(0, Math.min(len, k.length())));
            }
            // sorted: a head's shorter prefixes come before it; keep only heads no kept one starts
            List<String> kept = new ArrayList<>();
            for (String h : cut) {
                if (kept.isEmpty() || !h.startsWith(kept.get(kept.size() - 1))) {
                    kept.add(h);
                }
            }
            if (kept.size() <= GenericAbi.GATE_HEADS) {
                return List.copyOf(kept);
            }
        }
        return List.of();
    }

    /** struct gen_gate_head of a head: its bytes as a little-endian u64 and a mask of as many 0xff bytes. */
    public static byte[] headBytes(String head) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        if (h.length < 1 || h.length > HEAD) {
            throw new IllegalArgumentException("a head is 1-" + HEAD + " bytes, not " + h.length);
        }
        ByteBuffer b = ByteBuffer.allocate(GenericAbi.GateHead.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.position(GenericAbi.GateHead.VAL);
        b.put(h);
        for (int i = 0; i < h.length; i++) {
            b.put(GenericAbi.GateHead.MASK + i, (byte) 0xff);
        }
        return b.array();
    }

    /** What turns {@code from} into {@code to}: upsert these trie entries, then delete those. */
    public record Diff(SortedMap<String, Integer> upserts, List<String> deletes) {}

    public static Encoded encode(List<Member> members) {
        int all = 0;
        int always = 0;
        SortedMap<String, Integer> own = new TreeMap<>();
        List<String> prefixes = new ArrayList<>();
        for (Member m : members) {
            int bit = 1 << m.slot();
            if ((all & bit) != 0) {
                throw new IllegalArgumentException("two members in slot " + m.slot());
            }
            all |= bit;
            if (m.gate().isEmpty() || m.gate().get().prefix().contains("")) {
                always |= bit;
                continue;
            }
            for (String v : m.gate().get().equal()) {
                own.merge(key(v, GenericAbi.GATE_KEY - 1) + "\0", bit, (a, b) -> a | b);
            }
            for (String v : m.gate().get().prefix()) {
                String k = key(v, GenericAbi.GATE_KEY - 1);
                own.merge(k, bit, (a, b) -> a | b);
                prefixes.add(k);
            }
        }
        SortedMap<String, Integer> entries = new TreeMap<>();
        for (Map.Entry<String, Integer> e : own.entrySet()) {
            int mask = e.getValue();
            for (String p : prefixes) {
                if (e.getKey().startsWith(p)) {
                    mask |= own.get(p);
                }
            }
            entries.put(e.getKey(), mask & ~always);   // always members need no entry
        }
        entries.values().removeIf(v -> v == 0);
        return new Encoded(all, always, entries);
    }

    public static Diff diff(Encoded from, Encoded to) {
        SortedMap<String, Integer> up = new TreeMap<>();
        to.entries().forEach((k, v) -> {
            if (!v.equals(from.entries().get(k))) {
                up.put(k, v);
            }
        });
        List<String> del = from.entries().keySet().stream().filter(k -> !to.entries().containsKey(k)).toList();
        return new Diff(up, del);
    }

    /** struct gen_gate_key of an entry key. */
    public static byte[] keyBytes(String key) {
        byte[] s = key.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(GenericAbi.GateKey.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(GenericAbi.GateKey.PREFIXLEN, 8 * s.length).put(GenericAbi.GateKey.STR, s);
        return b.array();
    }

    /** struct gen_dispatch_config with its heads in use. */
    public static byte[] configBytes(Encoded e, int gateCtxOff) {
        return configBytes(e, gateCtxOff, true);
    }

    /**
     * struct gen_dispatch_config; {@code headsOn} false writes the heads but nheads 0 (the string is
     * always read): DispatchGroup goes through that state so that no call sees half-written heads.
     */
    public static byte[] configBytes(Encoded e, int gateCtxOff, boolean headsOn) {
        ByteBuffer b = ByteBuffer.allocate(GenericAbi.DispatchConfig.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(GenericAbi.DispatchConfig.MEMBERS, e.members()).putInt(GenericAbi.DispatchConfig.ALWAYS, e.always());
        if (e.gated()) {
            List<String> heads = e.heads();
            b.putShort(GenericAbi.DispatchConfig.GATE_CTX_OFF, (short) gateCtxOff).put(GenericAbi.DispatchConfig.GATE, (byte) 1)
                    .put(GenericAbi.DispatchConfig.NHEADS, (byte) (headsOn ? heads.size() : 0));
            for (int i = 0; i < heads.size(); i++) {
                b.put(GenericAbi.DispatchConfig.HEADS + i * GenericAbi.GateHead.SIZEOF, headBytes(heads.get(i)));
            }
        }
        return b.array();
    }

    /** UTF-8 bytes as one char each; a NUL inside or more than max bytes is refused. */
    private static String key(String value, int max) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length > max) {
            throw new IllegalArgumentException("gate value '" + value + "' is " + b.length + " bytes; a gate key holds " + max);
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("gate value '" + value + "' holds a NUL");
        }
        return s;
    }
}

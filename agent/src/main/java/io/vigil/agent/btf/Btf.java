package io.vigil.agent.btf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The types of a raw BTF blob (/sys/kernel/btf/vmlinux: header, type section, string section; see
 * the kernel's Documentation/bpf/btf.rst). Keeps what a field path needs: names, kinds, sizes,
 * referenced types, struct/union members and array element types. Every kind is parsed so that
 * its trailing data can be skipped; an unknown kind is an error, since its size is unknown.
 */
public final class Btf {
    public static final int MAGIC = 0xeB9F;

    public static final int INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, UNION = 5, ENUM = 6, FWD = 7, TYPEDEF = 8,
            VOLATILE = 9, CONST = 10, RESTRICT = 11, FUNC = 12, FUNC_PROTO = 13, VAR = 14, DATASEC = 15, FLOAT = 16,
            DECL_TAG = 17, TYPE_TAG = 18, ENUM64 = 19;

    /** A struct or union member. bitOffset is from the start of the enclosing type; bitSize 0 = not a bitfield. */
    public record Member(String name, int type, int bitOffset, int bitSize) {}

    /**
     * One type. {@code sizeOrType} is the size (INT, STRUCT, UNION, ENUM, FLOAT, DATASEC) or the
     * referenced type (PTR, TYPEDEF, modifiers, FUNC, VAR, tags); for ARRAY, {@code ref} is the
     * element type and {@code nelems} the length. intEncoding: the INT's bit 0 = signed.
     */
    public record Type(int id, int kind, String name, int sizeOrType, int vlen, boolean kflag, List<Member> members,
            int ref, int nelems, int intEncoding, int intBits) {}

    private final List<Type> types;   // index = type id; 0 is void (null)
    private final Map<String, List<Integer>> byName = new HashMap<>();

    private Btf(List<Type> types) {
        this.types = types;
        for (Type t : types) {
            if (t != null && !t.name().isEmpty()) {
                byName.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(t.id());
            }
        }
    }

    public static Btf read(Path file) throws IOException {
        return parse(ByteBuffer.wrap(Files.readAllBytes(file)));
    }

    public static Btf parse(ByteBuffer raw) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int magic = Short.toUnsignedInt(b.getShort(0));
        if (magic != MAGIC) {
            b.order(ByteOrder.BIG_ENDIAN);
            if (Short.toUnsignedInt(b.getShort(0)) != MAGIC) {
                throw new IllegalArgumentException("not BTF: magic 0x" + Integer.toHexString(magic));
            }
        }
        int hdrLen = b.getInt(4);
        int typeOff = b.getInt(8), typeLen = b.getInt(12), strOff = b.getInt(16), strLen = b.getInt(20);
        if (hdrLen < 24 || (long) hdrLen + typeOff + typeLen > b.limit() || (long) hdrLen + strOff + strLen > b.limit()) {
            throw new IllegalArgumentException("BTF sections out of bounds (hdr_len " + hdrLen + ", size " + b.limit() + ")");
        }
        int strBase = hdrLen + strOff;
        List<Type> types = new ArrayList<>();
        types.add(null);
        int p = hdrLen + typeOff, end = p + typeLen;
        while (p < end) {
            int nameOff = b.getInt(p), info = b.getInt(p + 4), st = b.getInt(p + 8);
            p += 12;
            int vlen = info & 0xffff, kind = (info >>> 24) & 0x1f;
            boolean kflag = (info >>> 31) != 0;
            String name = str(b, strBase, strLen, nameOff);
            List<Member> members = List.of();
            int ref = 0, nelems = 0, enc = 0, bits = 0;
            switch (kind) {
                case INT -> {
                    int v = b.getInt(p);
                    enc = (v >>> 24) & 0x0f;
                    bits = v & 0xff;
                    p += 4;
                }
                case ARRAY -> {
                    ref = b.getInt(p);
                    nelems = b.getInt(p + 8);
                    p += 12;
                }
                case STRUCT, UNION -> {
                    List<Member> ms = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 12) {
                        int off = b.getInt(p + 8);
                        // kflag: offset = bitfield size << 24 | bit offset
                        ms.add(new Member(str(b, strBase, strLen, b.getInt(p)), b.getInt(p + 4),
                                kflag ? off & 0xffffff : off, kflag ? off >>> 24 : 0));
                    }
                    members = List.copyOf(ms);
                }
                case ENUM, FUNC_PROTO -> p += 8 * vlen;
                case DATASEC, ENUM64 -> p += 12 * vlen;
                case VAR, DECL_TAG -> p += 4;
                case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> { }
                default -> throw new IllegalArgumentException("BTF type " + types.size() + ": unknown kind " + kind);
            }
            types.add(new Type(types.size(), kind, name, st, vlen, kflag, members, ref, nelems, enc, bits));
        }
        if (p != end) {
            throw new IllegalArgumentException("BTF type section overruns its length by " + (p - end) + " bytes");
        }
        return new Btf(types);
    }

    private static String str(ByteBuffer b, int base, int len, int off) {
        if (off < 0 || off >= len) {
            throw new IllegalArgumentException("BTF string offset " + off + " outside the string section");
        }
        int s = base + off, e = s;
        while (e < base + len && b.get(e) != 0) {
            e++;
        }
        byte[] out = new byte[e - s];
        b.get(s, out);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Type id → type; null for 0 (void). */
    public Type type(int id) {
        if (id < 0 || id >= types.size()) {
            throw new IllegalArgumentException("BTF type id " + id + " out of range");
        }
        return types.get(id);
    }

    public int count() {
        return types.size() - 1;
    }

    /** The named struct (or union) with its members: a FWD of the same name is skipped. */
    public Type struct(String name) {
        for (int id : byName.getOrDefault(name, List.of())) {
            Type t = types.get(id);
            if (t.kind() == STRUCT || t.kind() == UNION) {
                return t;
            }
        }
        return null;
    }

    /** Through typedefs, const, volatile, restrict and type tags to the type they name. */
    public Type strip(int id) {
        Type t = type(id);
        for (int guard = 0; t != null && guard < 64; guard++) {
            switch (t.kind()) {
                case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> t = type(t.sizeOrType());
                default -> {
                    return t;
                }
            }
        }
        return t;
    }
}

package io.vigil.agent.btf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compiles a Tetragon resolve path ("mm.owner.real_parent.comm") from a named kernel struct into
 * the offsets the generic sensors follow. Pure over a {@link Btf}. Anonymous structs and unions
 * are searched as C does (mm_struct's owner sits in one); bitfields cannot be read byte-wise and
 * are refused; a final pointer is refused, as nothing here says how to read what it points to.
 */
public final class FieldResolver {
    private final Btf btf;
    private final int maxSteps;

    public FieldResolver(Btf btf, int maxSteps) {
        this.btf = btf;
        this.maxSteps = maxSteps;
    }

    /** A member found in a struct, with its byte offset counted through anonymous members. */
    private record Found(Btf.Member member, int bitOffset) {}

    public ResolvedField resolve(String struct, String path) {
        Btf.Type cur = btf.struct(struct);
        if (cur == null) {
            throw new IllegalArgumentException("no struct " + struct + " in the kernel's BTF");
        }
        String[] parts = path.split("\\.", -1);
        List<Integer> offsets = new ArrayList<>();
        long acc = 0;
        String where = struct;
        for (int i = 0; i < parts.length; i++) {
            String name = parts[i];
            if (name.isEmpty()) {
                throw new IllegalArgumentException("resolve '" + path + "': empty member name");
            }
            Found f = find(cur, name, 0);
            if (f == null) {
                throw new IllegalArgumentException(where + " (struct " + cur.name() + ") has no member '" + name + "'"
                        + nearby(cur, name));
            }
            if (f.member().bitSize() != 0 || f.bitOffset() % 8 != 0) {
                throw new IllegalArgumentException(where + "." + name + " is a bitfield, which resolve cannot read");
            }
            acc += f.bitOffset() / 8;
            Btf.Type t = btf.strip(f.member().type());
            where = where + "." + name;
            if (i == parts.length - 1) {
                offsets.add(checked(acc, where));
                return finish(offsets, t, where, path);
            }
            if (t != null && t.kind() == Btf.PTR) {
                offsets.add(checked(acc, where));
                acc = 0;
                t = btf.strip(t.sizeOrType());
                if (t != null && t.kind() == Btf.FWD) {
                    t = btf.struct(t.name());
                }
            }
            if (t == null || (t.kind() != Btf.STRUCT && t.kind() != Btf.UNION)) {
                throw new IllegalArgumentException(where + " is not a struct or a pointer to one; '"
                        + parts[i + 1] + "' cannot follow it");
            }
            cur = t;
        }
        throw new AssertionError("unreachable");
    }

    private ResolvedField finish(List<Integer> offsets, Btf.Type t, String where, String path) {
        if (offsets.size() > maxSteps) {
            throw new IllegalArgumentException("resolve '" + path + "' needs " + offsets.size() + " steps; at most "
                    + maxSteps);
        }
        if (t != null && t.kind() == Btf.ARRAY) {
            Btf.Type e = btf.strip(t.ref());
            if (e != null && e.kind() == Btf.INT && e.sizeOrType() == 1) {
                return new ResolvedField(offsets, true, 0, false);
            }
        }
        if (t != null && (t.kind() == Btf.INT || t.kind() == Btf.ENUM || t.kind() == Btf.ENUM64)) {
            int size = t.sizeOrType();
            if (size == 1 || size == 2 || size == 4 || size == 8) {
                boolean signed = t.kind() == Btf.INT ? (t.intEncoding() & 1) != 0 : t.kflag();
                return new ResolvedField(offsets, false, size, signed);
            }
        }
        String kind = t == null ? "void" : t.kind() == Btf.PTR ? "a pointer" : t.kind() == Btf.STRUCT
                ? "struct " + t.name() : "BTF kind " + t.kind();
        throw new IllegalArgumentException(where + " is " + kind + "; resolve reads a char array (string) or an integer");
    }

    private static int checked(long off, String where) {
        if (off > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": offset " + off + " too large");
        }
        return (int) off;
    }

    private Found find(Btf.Type s, String name, int base) {
        for (Btf.Member m : s.members()) {
            if (m.name().equals(name)) {
                return new Found(m, base + m.bitOffset());
            }
        }
        for (Btf.Member m : s.members()) {
            if (m.name().isEmpty()) {
                Btf.Type a = btf.strip(m.type());
                if (a != null && (a.kind() == Btf.STRUCT || a.kind() == Btf.UNION)) {
                    Found f = find(a, name, base + m.bitOffset());
                    if (f != null) {
                        return f;
                    }
                }
            }
        }
        return null;
    }

    /** Up to five member names closest to the unknown one (edit distance), to spot the typo. */
    private String nearby(Btf.Type s, String name) {
        List<String> all = new ArrayList<>();
        names(s, all);
        List<String> near = all.stream().distinct().sorted(Comparator.comparingInt((String n) -> distance(n, name))
                .thenComparing(n -> n)).limit(5).collect(Collectors.toList());
        return near.isEmpty() ? "" : "; nearby: " + String.join(", ", near);
    }

    private void names(Btf.Type s, List<String> out) {
        for (Btf.Member m : s.members()) {
            if (!m.name().isEmpty()) {
                out.add(m.name());
            } else {
                Btf.Type a = btf.strip(m.type());
                if (a != null && (a.kind() == Btf.STRUCT || a.kind() == Btf.UNION)) {
                    names(a, out);
                }
            }
        }
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

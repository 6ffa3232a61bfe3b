package io.vigil.agent.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Btf and FieldResolver against a hand-built blob (every kind) and the running kernel's vmlinux BTF. */
class BtfTest {
    /** Builds a raw BTF blob: types appended in id order, names interned. */
    static final class Blob {
        private final ByteArrayOutputStream types = new ByteArrayOutputStream();
        private final ByteArrayOutputStream strs = new ByteArrayOutputStream();

        Blob() {
            strs.write(0);
        }

        int name(String s) {
            if (s.isEmpty()) {
                return 0;
            }
            int off = strs.size();
            strs.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            strs.write(0);
            return off;
        }

        Blob type(String name, int kind, int vlen, boolean kflag, int sizeOrType, int... trailing) {
            u32(types, name(name));
            u32(types, (kflag ? 1 << 31 : 0) | kind << 24 | vlen);
            u32(types, sizeOrType);
            for (int t : trailing) {
                u32(types, t);
            }
            return this;
        }

        /** A member's trailing words: name_off, type, offset. */
        int[] member(String name, int type, int offset) {
            return new int[] {name(name), type, offset};
        }

        byte[] bytes() {
            ByteBuffer h = ByteBuffer.allocate(24 + types.size() + strs.size()).order(ByteOrder.LITTLE_ENDIAN);
            h.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24);
            h.putInt(0).putInt(types.size()).putInt(types.size()).putInt(strs.size());
            h.put(types.toByteArray()).put(strs.toByteArray());
            return h.array();
        }

        private static void u32(ByteArrayOutputStream o, int v) {
            o.write(v);
            o.write(v >>> 8);
            o.write(v >>> 16);
            o.write(v >>> 24);
        }
    }

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    /**
     * struct task { char comm[16]; int pid; struct task *parent; };
     * struct holder { union { const struct task *owner; }; int flags:3; };  plus one type of every other kind.
     */
    static Btf synthetic() {
        Blob b = new Blob();
        b.type("char", Btf.INT, 0, false, 1, 1 << 24 | 8);                                   // 1
        b.type("", Btf.ARRAY, 0, false, 0, 1, 3, 16);                                       // 2 char[16]
        b.type("int", Btf.INT, 0, false, 4, 1 << 24 | 32);                                  // 3
        b.type("task", Btf.STRUCT, 3, false, 32, concat(b.member("comm", 2, 0), b.member("pid", 3, 128),
                b.member("parent", 5, 192)));                                               // 4
        b.type("", Btf.PTR, 0, false, 4);                                                   // 5
        b.type("holder", Btf.STRUCT, 2, true, 16, concat(b.member("", 7, 0), b.member("flags", 3, 3 << 24 | 64))); // 6
        b.type("", Btf.UNION, 1, false, 8, b.member("owner", 8, 0));                        // 7
        b.type("", Btf.CONST, 0, false, 5);                                                 // 8
        b.type("e", Btf.ENUM, 2, false, 4, b.name("A"), 0, b.name("B"), 1);                  // 9
        b.type("", Btf.FUNC_PROTO, 1, false, 3, 0, 3);                                      // 10
        b.type("f", Btf.FUNC, 0, false, 10);                                                // 11
        b.type("v", Btf.VAR, 0, false, 3, 1);                                               // 12
        b.type(".data", Btf.DATASEC, 1, false, 4, 12, 0, 4);                                // 13
        b.type("tag", Btf.DECL_TAG, 0, false, 11, -1);                                      // 14
        b.type("e64", Btf.ENUM64, 1, false, 8, b.name("C"), 1, 0);                          // 15
        b.type("double", Btf.FLOAT, 0, false, 8);                                           // 16
        b.type("user", Btf.TYPE_TAG, 0, false, 3);                                          // 17
        b.type("fwd", Btf.FWD, 0, false, 0);                                                // 18
        b.type("", Btf.VOLATILE, 0, false, 3);                                              // 19
        b.type("", Btf.RESTRICT, 0, false, 5);                                              // 20
        b.type("task_t", Btf.TYPEDEF, 0, false, 4);                                         // 21
        return Btf.parse(ByteBuffer.wrap(b.bytes()));
    }

    @Test
    void parsesEveryKind() {
        Btf btf = synthetic();
        assertEquals(21, btf.count());
        assertEquals("task", btf.struct("task").name());
        assertEquals(List.of("comm", "pid", "parent"), btf.struct("task").members().stream().map(Btf.Member::name).toList());
        assertEquals(3, btf.type(6).members().get(1).bitSize());
        assertEquals(64, btf.type(6).members().get(1).bitOffset());
        assertEquals(Btf.TYPEDEF, btf.type(21).kind());
        assertEquals(4, btf.strip(21).id());
    }

    @Test
    void followsPointersThroughAnonymousUnionsAndModifiers() {
        FieldResolver r = new FieldResolver(synthetic(), 8);
        assertEquals(new ResolvedField(List.of(0, 24, 0), true, 0, false), r.resolve("holder", "owner.parent.comm"));
        assertEquals(new ResolvedField(List.of(0, 16), false, 4, true), r.resolve("holder", "owner.pid"));
        assertEquals(new ResolvedField(List.of(16), false, 4, true), r.resolve("task", "pid"));
    }

    @Test
    void refusesWithReasons() {
        FieldResolver r = new FieldResolver(synthetic(), 2);
        String m = assertThrows(IllegalArgumentException.class, () -> r.resolve("holder", "ownr.pid")).getMessage();
        assertTrue(m.startsWith("holder (struct holder) has no member 'ownr'; nearby: owner, flags"), m);
        m = assertThrows(IllegalArgumentException.class, () -> r.resolve("holder", "flags")).getMessage();
        assertTrue(m.contains("holder.flags is a bitfield"), m);
        m = assertThrows(IllegalArgumentException.class, () -> r.resolve("task", "parent")).getMessage();
        assertTrue(m.contains("task.parent is a pointer; resolve reads a char array (string) or an integer"), m);
        m = assertThrows(IllegalArgumentException.class, () -> r.resolve("task", "pid.x")).getMessage();
        assertTrue(m.contains("task.pid is not a struct or a pointer to one; 'x' cannot follow it"), m);
        m = assertThrows(IllegalArgumentException.class, () -> r.resolve("holder", "owner.parent.parent.comm")).getMessage();
        assertTrue(m.contains("needs 4 steps; at most 2"), m);
        m = assertThrows(IllegalArgumentException.class, () -> r.resolve("nope", "a")).getMessage();
        assertEquals("no struct nope in the kernel's BTF", m);
        assertThrows(IllegalArgumentException.class, () -> Btf.parse(ByteBuffer.wrap(new byte[24])));
    }

    @Test
    void runningKernel() throws Exception {
        assumeTrue(Files.isReadable(StructFields.VMLINUX), "no /sys/kernel/btf/vmlinux");
        Btf btf = Btf.read(StructFields.VMLINUX);
        assertTrue(btf.count() > 10_000, "types: " + btf.count());
        FieldResolver r = new FieldResolver(btf, 8);
        ResolvedField comm = r.resolve("task_struct", "comm");
        assertTrue(comm.string());
        ResolvedField g = r.resolve("linux_binprm", "mm.owner.real_parent.real_parent.comm");
        assertTrue(g.string());
        assertEquals(5, g.offsets().size());
        assertEquals(comm.offsets().get(0), g.offsets().get(4));
        assertEquals(r.resolve("task_struct", "real_parent.comm").offsets().get(0), g.offsets().get(2));
        ResolvedField pid = r.resolve("task_struct", "pid");
        assertEquals(4, pid.size());
        assertTrue(pid.signed());
        String m = assertThrows(IllegalArgumentException.class, () -> r.resolve("linux_binprm", "mm.ownr")).getMessage();
        assertTrue(m.contains("linux_binprm.mm (struct mm_struct) has no member 'ownr'; nearby: owner"), m);
    }
}

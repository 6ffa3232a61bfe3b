package io.vigil.bpf.generic;

import io.vigil.bpf.wire.GenericAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written HookImage for one syscall (the kernel tests' stand-in for the policy compiler):
 * arguments by syscall position, selectors with filters, the value-map entries they need. The
 * same hook builds for the tracepoint backend (sys_enter_X/sys_exit_X, record offsets) or the
 * kprobe backend (__x64_sys_X wrapper, argument positions).
 */
final class TestHook {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** struct trace_event_raw_sys_enter: 8 bytes of common fields, the syscall nr, then args[6] */
    private static final int SYS_ENTER_ARGS = 16;
    private static final int SYS_EXIT_RET = 16;

    enum Backend { TRACEPOINT, KPROBE }

    private final String syscall;
    private final int hookId;
    private final ByteBuffer cfg = ByteBuffer.allocate(GenericAbi.Config.SIZEOF).order(LE);
    private final List<HookImage.MapEntry> entries = new ArrayList<>();
    private int nargs;
    private int nsel;
    private int nextSet = 1;
    private boolean ret;

    private TestHook(String syscall, int hookId) {
        this.syscall = syscall;
        this.hookId = hookId;
        cfg.putInt(GenericAbi.Config.HOOK_ID, hookId);
    }

    static TestHook syscall(String name, int hookId) {
        return new TestHook(name, hookId);
    }

    /** Argument from syscall argument position pos. */
    TestHook arg(int type, int flags, int pos) {
        return arg(type, flags, pos, -1);
    }

    /** A char_buf whose size is the syscall argument sizePos (-1: none). */
    TestHook arg(int type, int flags, int pos, int sizePos) {
        int a = GenericAbi.Config.ARGS + nargs * GenericAbi.Arg.SIZEOF;
        cfg.put(a + GenericAbi.Arg.TYPE, (byte) type);
        cfg.put(a + GenericAbi.Arg.FLAGS, (byte) flags);
        cfg.put(a + GenericAbi.Arg.SRC, (byte) pos);
        cfg.putShort(a + GenericAbi.Arg.CTX_OFF, (short) (SYS_ENTER_ARGS + 8 * pos));
        cfg.put(a + GenericAbi.Arg.CTX_SIZE, (byte) 8);
        if (sizePos >= 0) {
            cfg.put(a + GenericAbi.Arg.SIZE_SRC, (byte) (sizePos + 1));
            cfg.putShort(a + GenericAbi.Arg.SIZE_CTX_OFF, (short) (SYS_ENTER_ARGS + 8 * sizePos));
            cfg.put(a + GenericAbi.Arg.SIZE_CTX_SIZE, (byte) 8);
        }
        nargs++;
        cfg.put(GenericAbi.Config.NARGS, (byte) nargs);
        return this;
    }

    /** Emit at return with the return value of this type. */
    TestHook returns(int retType) {
        ret = true;
        cfg.put(GenericAbi.Config.RET_TYPE, (byte) retType);
        cfg.putShort(GenericAbi.Config.RET_CTX_OFF, (short) SYS_EXIT_RET);
        return this;
    }

    Selector selector() {
        if (nsel == GenericAbi.MAX_SELECTORS) {
            throw new IllegalStateException("too many selectors");
        }
        Selector s = new Selector(GenericAbi.Config.SEL + nsel * GenericAbi.Selector.SIZEOF);
        nsel++;
        cfg.put(GenericAbi.Config.NSELECTORS, (byte) nsel);
        return s;
    }

    HookImage build(Backend backend) {
        int flags = (ret ? GenericAbi.HookFlag.RETURN : 0)
                | (backend == Backend.TRACEPOINT ? GenericAbi.HookFlag.SYSCALL_TP : GenericAbi.HookFlag.SYSCALL_WRAPPER);
        cfg.putInt(GenericAbi.Config.FLAGS, flags);
        List<HookImage.Attachment> at = new ArrayList<>();
        if (backend == Backend.TRACEPOINT) {
            at.add(new HookImage.Attachment("generic_tp_enter", HookImage.AttachKind.TRACEPOINT, "syscalls/sys_enter_" + syscall));
            if (ret) {
                at.add(new HookImage.Attachment("generic_tp_exit", HookImage.AttachKind.TRACEPOINT, "syscalls/sys_exit_" + syscall));
            }
            return new HookImage("bpf_generic_tp", at, cfg.array(), entries);
        }
        at.add(new HookImage.Attachment("generic_kprobe", HookImage.AttachKind.KPROBE, "__x64_sys_" + syscall));
        if (ret) {
            at.add(new HookImage.Attachment("generic_kretprobe", HookImage.AttachKind.KRETPROBE, "__x64_sys_" + syscall));
        }
        return new HookImage("bpf_generic_kprobe", at, cfg.array(), entries);
    }

    final class Selector {
        private final int base;
        private int nfilters;

        private Selector(int base) {
            this.base = base;
            cfg.putInt(base + GenericAbi.Selector.ACTIONS, GenericAbi.Action.POST);
        }

        /** An integer or socket filter with inline values. */
        Selector filter(int slot, int op, long... vals) {
            int f = newFilter(slot, op);
            cfg.put(f + GenericAbi.Filter.NVALS, (byte) vals.length);
            for (int i = 0; i < vals.length; i++) {
                cfg.putLong(f + GenericAbi.Filter.VALS + 8 * i, vals[i]);
            }
            return this;
        }

        /** A string filter (Equal, Prefix, Postfix and their negations) over the values. */
        Selector strings(int slot, int op, String... values) {
            int set = cfg.getInt(newFilter(slot, op) + GenericAbi.Filter.SET_ID);
            for (String v : values) {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                switch (op) {
                    case GenericAbi.Op.EQ, GenericAbi.Op.NEQ -> {
                        ByteBuffer k = ByteBuffer.allocate(GenericAbi.StrKey.SIZEOF).order(LE);
                        k.putInt(GenericAbi.StrKey.SET_ID, set).putInt(GenericAbi.StrKey.LEN, b.length).put(GenericAbi.StrKey.STR, b);
                        entries.add(new HookImage.MapEntry("gen_str_eq", k.array(), new byte[] {1}));
                    }
                    case GenericAbi.Op.PREFIX, GenericAbi.Op.NOT_PREFIX -> entries.add(lpm("gen_prefix", set, b));
                    case GenericAbi.Op.POSTFIX, GenericAbi.Op.NOT_POSTFIX -> {
                        byte[] r = new byte[b.length];
                        for (int i = 0; i < b.length; i++) {
                            r[i] = b[b.length - 1 - i];
                        }
                        entries.add(lpm("gen_postfix", set, r));
                    }
                    default -> throw new IllegalArgumentException("not a string op: " + op);
                }
            }
            return this;
        }

        /** A set filter (InMap, ports) over gen_int_set. */
        Selector set(int slot, int op, long... values) {
            int set = cfg.getInt(newFilter(slot, op) + GenericAbi.Filter.SET_ID);
            for (long v : values) {
                ByteBuffer k = ByteBuffer.allocate(GenericAbi.IntKey.SIZEOF).order(LE);
                k.putInt(GenericAbi.IntKey.SET_ID, set).putLong(GenericAbi.IntKey.VAL, v);
                entries.add(new HookImage.MapEntry("gen_int_set", k.array(), new byte[] {1}));
            }
            return this;
        }

        /** SAddr/DAddr over IPv4 CIDRs: addr in network order, bits of prefix. */
        Selector addr4(int slot, int op, byte[] addr, int bits) {
            int set = cfg.getInt(newFilter(slot, op) + GenericAbi.Filter.SET_ID);
            ByteBuffer k = ByteBuffer.allocate(GenericAbi.Addr4Key.SIZEOF).order(LE);
            k.putInt(GenericAbi.Addr4Key.PREFIXLEN, 32 + bits).putInt(GenericAbi.Addr4Key.SET_ID, set).put(GenericAbi.Addr4Key.ADDR, addr);
            entries.add(new HookImage.MapEntry("gen_addr4", k.array(), new byte[] {1}));
            return this;
        }

        Selector pids(int op, int flags, int... pids) {
            cfg.put(base + GenericAbi.Selector.PID_OP, (byte) op);
            cfg.put(base + GenericAbi.Selector.PID_FLAGS, (byte) flags);
            cfg.put(base + GenericAbi.Selector.NPIDS, (byte) pids.length);
            for (int i = 0; i < pids.length; i++) {
                cfg.putInt(base + GenericAbi.Selector.PIDS + 4 * i, pids[i]);
            }
            return this;
        }

        Selector binary(int op, int bit) {
            cfg.put(base + GenericAbi.Selector.BIN_OP, (byte) op);
            cfg.put(base + GenericAbi.Selector.BIN_BIT, (byte) bit);
            return this;
        }

        Selector actions(int actions) {
            cfg.putInt(base + GenericAbi.Selector.ACTIONS, actions);
            return this;
        }

        Selector rateLimit(long ns, int scope) {
            cfg.putLong(base + GenericAbi.Selector.RATE_NS, ns);
            cfg.put(base + GenericAbi.Selector.RATE_SCOPE, (byte) scope);
            return this;
        }

        TestHook done() {
            return TestHook.this;
        }

        private int newFilter(int slot, int op) {
            if (nfilters == GenericAbi.MAX_FILTERS) {
                throw new IllegalStateException("too many filters");
            }
            int f = base + GenericAbi.Selector.FILTERS + nfilters * GenericAbi.Filter.SIZEOF;
            nfilters++;
            cfg.put(base + GenericAbi.Selector.NFILTERS, (byte) nfilters);
            cfg.put(f + GenericAbi.Filter.SLOT, (byte) slot);
            cfg.put(f + GenericAbi.Filter.OP, (byte) op);
            cfg.putInt(f + GenericAbi.Filter.SET_ID, nextSet++);
            return f;
        }
    }

    private static HookImage.MapEntry lpm(String map, int set, byte[] str) {
        ByteBuffer k = ByteBuffer.allocate(GenericAbi.LpmStrKey.SIZEOF).order(LE);
        k.putInt(GenericAbi.LpmStrKey.PREFIXLEN, 32 + 8 * str.length).putInt(GenericAbi.LpmStrKey.SET_ID, set)
                .put(GenericAbi.LpmStrKey.STR, str);
        return new HookImage.MapEntry(map, k.array(), new byte[] {1});
    }

    /** One msg_generic as the tests read it. */
    record Event(int pid, int hookId, long ret, int selector, int flags, List<byte[]> args) {
        String string(int i) {
            return new String(args.get(i), StandardCharsets.UTF_8);
        }

        long integer(int i) {
            return ByteBuffer.wrap(args.get(i)).order(LE).getLong();
        }

        static Event parse(byte[] r) {
            ByteBuffer b = ByteBuffer.wrap(r).order(LE);
            int nargs = b.get(GenericAbi.MsgGeneric.NARGS) & 0xff;
            List<byte[]> args = new ArrayList<>();
            int off = GenericAbi.MsgGeneric.SIZEOF;
            for (int i = 0; i < nargs; i++) {
                int len = b.getInt(off + GenericAbi.MsgArg.LEN);
                byte[] a = new byte[len];
                b.get(off + GenericAbi.MsgArg.SIZEOF, a);
                args.add(a);
                off += GenericAbi.MsgArg.SIZEOF + len;
            }
            return new Event(b.getInt(GenericAbi.MsgGeneric.PROCESS), b.getInt(GenericAbi.MsgGeneric.HOOK_ID),
                    b.getLong(GenericAbi.MsgGeneric.RET), b.get(GenericAbi.MsgGeneric.SELECTOR) & 0xff,
                    b.getShort(GenericAbi.MsgGeneric.FLAGS), args);
        }

        @Override
        public String toString() {
            List<String> a = new ArrayList<>();
            for (byte[] x : args) {
                a.add(x.length == 8 ? Long.toString(ByteBuffer.wrap(x).order(LE).getLong()) : new String(x, StandardCharsets.UTF_8));
            }
            return "Event[pid " + pid + ", hook " + hookId + ", sel " + selector + ", ret " + ret + ", " + a + "]";
        }
    }
}

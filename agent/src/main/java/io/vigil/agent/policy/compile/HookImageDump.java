package io.vigil.agent.policy.compile;

import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.wire.GenericAbi;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A HookImage as text: every gen_config field by name (enums by GenericAbi's names), value-map
 * keys decoded. For golden tests and for people reading what a policy became.
 */
public final class HookImageDump {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private HookImageDump() {}

    public static String dump(HookImage image) {
        StringBuilder out = new StringBuilder();
        out.append("object ").append(image.object()).append('\n');
        for (HookImage.Attachment a : image.attachments()) {
            out.append("attach ").append(a.program()).append(' ').append(a.kind()).append(' ').append(a.target()).append('\n');
        }
        ByteBuffer c = ByteBuffer.wrap(image.config()).order(LE);
        int nargs = u8(c, GenericAbi.Config.NARGS);
        int nsel = u8(c, GenericAbi.Config.NSELECTORS);
        out.append("config hook_id=").append(c.getInt(GenericAbi.Config.HOOK_ID))
                .append(" flags=").append(bits(GenericAbi.HookFlag.class, c.getInt(GenericAbi.Config.FLAGS)))
                .append(" nargs=").append(nargs).append(" nselectors=").append(nsel)
                .append(" ret_type=").append(name(GenericAbi.ArgType.class, u8(c, GenericAbi.Config.RET_TYPE)))
                .append(" ret_ctx_off=").append(u16(c, GenericAbi.Config.RET_CTX_OFF)).append('\n');
        for (int i = 0; i < GenericAbi.MAX_ARGS; i++) {
            int a = GenericAbi.Config.ARGS + i * GenericAbi.Arg.SIZEOF;
            if (i >= nargs) {
                requireZero(c, a, GenericAbi.Arg.SIZEOF, "args[" + i + "]", out);
                continue;
            }
            out.append("  args[").append(i).append("] type=").append(name(GenericAbi.ArgType.class, u8(c, a + GenericAbi.Arg.TYPE)))
                    .append(" flags=").append(bits(GenericAbi.ArgFlag.class, u8(c, a + GenericAbi.Arg.FLAGS)))
                    .append(" src=").append(u8(c, a + GenericAbi.Arg.SRC))
                    .append(" size_src=").append(u8(c, a + GenericAbi.Arg.SIZE_SRC))
                    .append(" ctx_off=").append(u16(c, a + GenericAbi.Arg.CTX_OFF))
                    .append(" ctx_size=").append(u8(c, a + GenericAbi.Arg.CTX_SIZE))
                    .append(" size_ctx_off=").append(u16(c, a + GenericAbi.Arg.SIZE_CTX_OFF))
                    .append(" size_ctx_size=").append(u8(c, a + GenericAbi.Arg.SIZE_CTX_SIZE)).append('\n');
            int r = GenericAbi.Config.RESOLVE + i * GenericAbi.Resolve.SIZEOF;
            int n = u8(c, r + GenericAbi.Resolve.NSTEPS);
            if (n != 0) {   // printed only when set, so images without resolve dump as before
                out.append("    resolve base=").append(u8(c, r + GenericAbi.Resolve.BASE))
                        .append(" size=").append(u8(c, r + GenericAbi.Resolve.SIZE)).append(" off=");
                for (int k = 0; k < n && k < GenericAbi.RESOLVE_STEPS; k++) {
                    out.append(k == 0 ? "" : ",").append(c.getInt(r + GenericAbi.Resolve.OFF + 4 * k));
                }
                out.append('\n');
            }
        }
        for (int i = 0; i < GenericAbi.MAX_SELECTORS; i++) {
            int s = GenericAbi.Config.SEL + i * GenericAbi.Selector.SIZEOF;
            if (i >= nsel) {
                requireZero(c, s, GenericAbi.Selector.SIZEOF, "sel[" + i + "]", out);
                continue;
            }
            selector(c, s, i, out);
        }
        List<String> entries = new ArrayList<>();
        for (HookImage.MapEntry e : image.entries()) {
            entries.add("  " + e.map() + " " + key(e.map(), ByteBuffer.wrap(e.key()).order(LE)) + " -> " + hex(e.value()));
        }
        out.append("entries ").append(entries.size()).append('\n');
        entries.forEach(e -> out.append(e).append('\n'));
        return out.toString();
    }

    private static void selector(ByteBuffer c, int s, int i, StringBuilder out) {
        out.append("  sel[").append(i).append("] actions=").append(bits(GenericAbi.Action.class, c.getInt(s + GenericAbi.Selector.ACTIONS)))
                .append(" arg_error=").append(c.getInt(s + GenericAbi.Selector.ARG_ERROR))
                .append(" arg_sig=").append(c.getInt(s + GenericAbi.Selector.ARG_SIG))
                .append(" rate_ns=").append(c.getLong(s + GenericAbi.Selector.RATE_NS))
                .append(" rate_scope=").append(name(GenericAbi.RateScope.class, u8(c, s + GenericAbi.Selector.RATE_SCOPE))).append('\n');
        out.append("    bin=").append(name(GenericAbi.SetOp.class, u8(c, s + GenericAbi.Selector.BIN_OP)))
                .append(" bit ").append(u8(c, s + GenericAbi.Selector.BIN_BIT))
                .append(" pbin=").append(name(GenericAbi.SetOp.class, u8(c, s + GenericAbi.Selector.PBIN_OP)))
                .append(" bit ").append(u8(c, s + GenericAbi.Selector.PBIN_BIT)).append('\n');
        int npids = u8(c, s + GenericAbi.Selector.NPIDS);
        StringJoiner pids = new StringJoiner(", ", "[", "]");
        for (int p = 0; p < npids; p++) {
            pids.add(Integer.toUnsignedString(c.getInt(s + GenericAbi.Selector.PIDS + 4 * p)));
        }
        out.append("    pids=").append(name(GenericAbi.SetOp.class, u8(c, s + GenericAbi.Selector.PID_OP)))
                .append(" flags=").append(bits(GenericAbi.PidFlag.class, u8(c, s + GenericAbi.Selector.PID_FLAGS)))
                .append(' ').append(pids).append('\n');
        out.append("    caps=").append(name(GenericAbi.SetOp.class, u8(c, s + GenericAbi.Selector.CAP_OP)))
                .append(" type=").append(name(GenericAbi.CapType.class, u8(c, s + GenericAbi.Selector.CAP_TYPE)))
                .append(" ns=").append(u8(c, s + GenericAbi.Selector.CAP_NS))
                .append(" mask=0x").append(Long.toHexString(c.getLong(s + GenericAbi.Selector.CAP_MASK))).append('\n');
        if (u8(c, s + GenericAbi.Selector.CAPC_OP) != 0) {   // only when set: older goldens stay as they are
            out.append("    cap_changes=").append(name(GenericAbi.SetOp.class, u8(c, s + GenericAbi.Selector.CAPC_OP)))
                    .append(" type=").append(name(GenericAbi.CapType.class, u8(c, s + GenericAbi.Selector.CAPC_TYPE)))
                    .append(" ns=").append(u8(c, s + GenericAbi.Selector.CAPC_NS))
                    .append(" mask=0x").append(Long.toHexString(c.getLong(s + GenericAbi.Selector.CAPC_MASK))).append('\n');
        }
        int nns = u8(c, s + GenericAbi.Selector.NNS);
        for (int n = 0; n < nns; n++) {
            int f = s + GenericAbi.Selector.NS + n * GenericAbi.NsFilter.SIZEOF;
            StringJoiner v = new StringJoiner(", ", "[", "]");
            for (int k = 0; k < u8(c, f + GenericAbi.NsFilter.NVALS); k++) {
                v.add(Integer.toUnsignedString(c.getInt(f + GenericAbi.NsFilter.VALS + 4 * k)));
            }
            out.append("    ns[").append(n).append("] ").append(name(GenericAbi.NsType.class, u8(c, f + GenericAbi.NsFilter.TYPE)))
                    .append(' ').append(name(GenericAbi.SetOp.class, u8(c, f + GenericAbi.NsFilter.OP))).append(' ').append(v).append('\n');
        }
        int nf = u8(c, s + GenericAbi.Selector.NFILTERS);
        for (int n = 0; n < nf; n++) {
            int f = s + GenericAbi.Selector.FILTERS + n * GenericAbi.Filter.SIZEOF;
            int slot = u8(c, f + GenericAbi.Filter.SLOT);
            StringJoiner v = new StringJoiner(", ", "[", "]");
            for (int k = 0; k < u8(c, f + GenericAbi.Filter.NVALS); k++) {
                v.add(Long.toString(c.getLong(f + GenericAbi.Filter.VALS + 8 * k)));
            }
            out.append("    filters[").append(n).append("] slot=").append(slot == GenericAbi.SLOT_RETURN ? "RETURN" : slot)
                    .append(" op=").append(name(GenericAbi.Op.class, u8(c, f + GenericAbi.Filter.OP)))
                    .append(" set_id=").append(c.getInt(f + GenericAbi.Filter.SET_ID)).append(" vals=").append(v).append('\n');
        }
    }

    /** The matchBinaries map entries (bin_names, bin_prefix, bin_postfix), keys decoded, values as bits. */
    public static String dumpBinaries(List<HookImage.MapEntry> entries) {
        StringBuilder out = new StringBuilder();
        for (HookImage.MapEntry e : entries) {
            out.append("  ").append(e.map()).append(' ').append(key(e.map(), ByteBuffer.wrap(e.key()).order(LE)))
                    .append(" -> bits 0x").append(Long.toHexString(ByteBuffer.wrap(e.value()).order(LE).getLong(0))).append('\n');
        }
        return out.toString();
    }

    private static String key(String map, ByteBuffer k) {
        return switch (map) {
            case "bin_names" -> {
                int len = 0;
                while (len < GenericAbi.BinPathKey.SIZEOF && k.get(GenericAbi.BinPathKey.PATH + len) != 0) {
                    len++;
                }
                yield "path=" + quote(k, GenericAbi.BinPathKey.PATH, len);
            }
            case "bin_prefix", "bin_postfix" -> "prefixlen=" + k.getInt(GenericAbi.BinLpmKey.PREFIXLEN) + " path="
                    + quote(k, GenericAbi.BinLpmKey.PATH, k.getInt(GenericAbi.BinLpmKey.PREFIXLEN) / 8);
            case "gen_str_eq" -> "set_id=" + k.getInt(GenericAbi.StrKey.SET_ID) + " len=" + k.getInt(GenericAbi.StrKey.LEN) + " str="
                    + quote(k, GenericAbi.StrKey.STR, k.getInt(GenericAbi.StrKey.LEN));
            case "gen_prefix", "gen_postfix" -> {
                int len = (k.getInt(GenericAbi.LpmStrKey.PREFIXLEN) - 32) / 8;
                yield "prefixlen=" + k.getInt(GenericAbi.LpmStrKey.PREFIXLEN) + " set_id=" + k.getInt(GenericAbi.LpmStrKey.SET_ID)
                        + " str=" + quote(k, GenericAbi.LpmStrKey.STR, len);
            }
            case "gen_int_set" -> "set_id=" + k.getInt(GenericAbi.IntKey.SET_ID) + " val=" + k.getLong(GenericAbi.IntKey.VAL);
            case "gen_addr4", "gen_addr6" -> {
                boolean v4 = k.capacity() == GenericAbi.Addr4Key.SIZEOF;
                StringJoiner a = new StringJoiner(v4 ? "." : ":");
                for (int i = GenericAbi.Addr4Key.ADDR; i < k.capacity(); i += v4 ? 1 : 2) {
                    a.add(v4 ? Integer.toString(k.get(i) & 0xff) : Integer.toHexString(Short.toUnsignedInt(k.order(ByteOrder.BIG_ENDIAN).getShort(i))));
                }
                k.order(LE);
                yield "prefixlen=" + k.getInt(GenericAbi.Addr4Key.PREFIXLEN) + " set_id=" + k.getInt(GenericAbi.Addr4Key.SET_ID)
                        + " addr=" + a;
            }
            default -> hex(k.array());
        };
    }

    private static String quote(ByteBuffer k, int off, int len) {
        byte[] b = new byte[Math.max(0, Math.min(len, k.capacity() - off))];
        k.get(off, b);
        return '"' + new String(b, StandardCharsets.UTF_8) + '"';
    }

    private static void requireZero(ByteBuffer c, int off, int len, String what, StringBuilder out) {
        for (int i = off; i < off + len; i++) {
            if (c.get(i) != 0) {
                out.append("  ").append(what).append(" unused but not zero at byte ").append(i).append('\n');
                return;
            }
        }
    }

    private static int u8(ByteBuffer c, int off) {
        return c.get(off) & 0xff;
    }

    private static int u16(ByteBuffer c, int off) {
        return c.getShort(off) & 0xffff;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    private static final Map<Class<?>, Map<Integer, String>> NAMES = new HashMap<>();

    private static synchronized Map<Integer, String> names(Class<?> holder) {
        return NAMES.computeIfAbsent(holder, h -> {
            Map<Integer, String> m = new HashMap<>();
            for (Field f : h.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                    try {
                        m.putIfAbsent(f.getInt(null), f.getName());
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return m;
        });
    }

    private static String name(Class<?> holder, int v) {
        return names(holder).getOrDefault(v, Integer.toString(v));
    }

    private static String bits(Class<?> holder, int v) {
        if (v == 0) {
            return "0";
        }
        StringJoiner j = new StringJoiner("|");
        for (int b = 0; b < 32; b++) {
            if ((v & (1 << b)) != 0) {
                j.add(names(holder).getOrDefault(1 << b, "0x" + Integer.toHexString(1 << b)));
            }
        }
        return j.toString();
    }
}

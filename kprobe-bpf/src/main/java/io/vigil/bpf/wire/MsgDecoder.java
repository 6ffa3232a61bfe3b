package io.vigil.bpf.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Decodes ring-buffer records (vigil_msg.h) into {@link Msg} values. Pure and stateless. */
public final class MsgDecoder {
    private MsgDecoder() {}

    /** Decodes the record in buf from its position to its limit. */
    public static Msg decode(ByteBuffer buf) throws MalformedRecordException {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < Layout.Common.SIZEOF) {
            throw new MalformedRecordException("record of " + b.remaining() + " bytes is shorter than its header");
        }
        int code = b.get(Layout.Common.OP) & 0xff;
        MsgOp op = MsgOp.of(code);
        if (op == null) {
            throw new MalformedRecordException("unknown record op " + code);
        }
        long ktime = b.getLong(Layout.Common.KTIME);
        switch (op) {
            case EXEC:
                return exec(b, ktime);
            case CLONE:
                need(b, Layout.Clone.SIZEOF, op);
                return new CloneMsg(ktime, key(b, Layout.Clone.PROCESS), key(b, Layout.Clone.PARENT),
                        b.getInt(Layout.Clone.TID), b.getInt(Layout.Clone.FLAGS));
            case EXIT:
                need(b, Layout.Exit.SIZEOF, op);
                return new ExitMsg(ktime, key(b, Layout.Exit.PROCESS), b.getInt(Layout.Exit.TID),
                        b.getInt(Layout.Exit.EXIT_CODE));
            case GENERIC:
                return generic(b, ktime);
            case ASSET:
                return asset(b, ktime);
            case DNS: {
                need(b, AssetAbi.MsgDns.SIZEOF, op);
                long len = Integer.toUnsignedLong(b.getInt(AssetAbi.MsgDns.LEN));
                if (len != b.remaining() - AssetAbi.MsgDns.SIZEOF) {
                    throw new MalformedRecordException("dns record of " + b.remaining() + " bytes declares " + len);
                }
                byte[] packet = new byte[(int) len];
                b.get(AssetAbi.MsgDns.SIZEOF, packet);
                return new DnsMsg(ktime, packet);
            }
            case BENCH:
                need(b, Layout.Bench.SIZEOF, op);
                return new BenchMsg(ktime, b.getInt(Layout.Bench.PID), b.getLong(Layout.Bench.SEQ));
            default:
                throw new MalformedRecordException("unhandled op " + op);
        }
    }

    private static ExecMsg exec(ByteBuffer b, long ktime) throws MalformedRecordException {
        need(b, Layout.Exec.SIZEOF, MsgOp.EXEC);
        int binLen = b.getInt(Layout.Exec.BINARY_LEN);
        int argsLen = b.getInt(Layout.Exec.ARGS_LEN);
        int cwdLen = b.getInt(Layout.Exec.CWD_LEN);
        long total = (long) Layout.Exec.SIZEOF + Integer.toUnsignedLong(binLen) + Integer.toUnsignedLong(argsLen)
                + Integer.toUnsignedLong(cwdLen);
        if (binLen < 0 || argsLen < 0 || cwdLen < 0 || total > b.remaining()) {
            throw new MalformedRecordException("exec record of " + b.remaining() + " bytes declares " + total);
        }
        int off = Layout.Exec.SIZEOF;
        String binary = string(b, off, binLen);
        off += binLen;
        List<String> argv = splitArgs(b, off, argsLen);
        off += argsLen;
        String cwd = string(b, off, cwdLen);
        int cred = Layout.Exec.CRED;
        return new ExecMsg(ktime, key(b, Layout.Exec.PROCESS), key(b, Layout.Exec.PARENT),
                b.getInt(cred + Layout.Cred.UID), b.getInt(cred + Layout.Cred.EUID),
                b.getInt(cred + Layout.Cred.GID), b.getInt(cred + Layout.Cred.EGID),
                b.getInt(cred + Layout.Cred.AUID), b.getInt(Layout.Exec.TID), b.getInt(Layout.Exec.FLAGS),
                b.getLong(Layout.Exec.CGROUP_ID), binary, argv, cwd);
    }

    /** struct msg_generic, then nargs × (struct msg_gen_arg, len bytes), packed. */
    private static GenericMsg generic(ByteBuffer b, long ktime) throws MalformedRecordException {
        need(b, GenericAbi.MsgGeneric.SIZEOF, MsgOp.GENERIC);
        int nargs = b.get(GenericAbi.MsgGeneric.NARGS) & 0xff;
        if (nargs > GenericAbi.MAX_ARGS) {
            throw new MalformedRecordException("generic record declares " + nargs + " arguments, at most "
                    + GenericAbi.MAX_ARGS);
        }
        List<GenericMsg.RawArg> args = new ArrayList<>(nargs);
        int off = GenericAbi.MsgGeneric.SIZEOF;
        for (int i = 0; i < nargs; i++) {
            if (b.remaining() - off < GenericAbi.MsgArg.SIZEOF) {
                throw new MalformedRecordException("generic record of " + b.remaining() + " bytes ends in argument " + i
                        + "'s header");
            }
            long len = Integer.toUnsignedLong(b.getInt(off + GenericAbi.MsgArg.LEN));
            int flags = b.getInt(off + GenericAbi.MsgArg.FLAGS);
            off += GenericAbi.MsgArg.SIZEOF;
            if (len > GenericAbi.ARG_BYTES || len > b.remaining() - off) {
                throw new MalformedRecordException("generic argument " + i + " declares " + len + " bytes, "
                        + (b.remaining() - off) + " left in the record");
            }
            if ((flags & GenericAbi.ArgMsgFlag.ERROR) != 0 && len != 0) {
                throw new MalformedRecordException("generic argument " + i + " is flagged unreadable but carries " + len
                        + " bytes");
            }
            byte[] bytes = new byte[(int) len];
            b.get(off, bytes);
            off += (int) len;
            args.add(new GenericMsg.RawArg(flags, bytes));
        }
        if (off != b.remaining()) { // the sensor submits exactly header + arguments
            throw new MalformedRecordException("generic record has " + (b.remaining() - off)
                    + " bytes after its " + nargs + " arguments");
        }
        return new GenericMsg(ktime, key(b, GenericAbi.MsgGeneric.PROCESS), b.getInt(GenericAbi.MsgGeneric.TID),
                b.getInt(GenericAbi.MsgGeneric.HOOK_ID), b.getLong(GenericAbi.MsgGeneric.RET),
                b.get(GenericAbi.MsgGeneric.SELECTOR) & 0xff, b.getShort(GenericAbi.MsgGeneric.FLAGS) & 0xffff,
                b.getInt(GenericAbi.MsgGeneric.ACTIONS), args);
    }

    private static AssetMsg asset(ByteBuffer b, long ktime) throws MalformedRecordException {
        need(b, AssetAbi.MsgAsset.SIZEOF, MsgOp.ASSET);
        long pathLen = Integer.toUnsignedLong(b.getInt(AssetAbi.MsgAsset.PATH_LEN));
        if (pathLen != b.remaining() - AssetAbi.MsgAsset.SIZEOF) {
            throw new MalformedRecordException("asset record of " + b.remaining() + " bytes declares a path of "
                    + pathLen);
        }
        byte[] addr = new byte[16];
        b.get(AssetAbi.MsgAsset.ADDR, addr);
        return new AssetMsg(ktime, key(b, AssetAbi.MsgAsset.PROCESS), b.getInt(AssetAbi.MsgAsset.TID),
                b.getInt(AssetAbi.MsgAsset.POLICY), b.getShort(AssetAbi.MsgAsset.KIND) & 0xffff,
                b.getShort(AssetAbi.MsgAsset.ACTION) & 0xffff, b.get(AssetAbi.MsgAsset.FAMILY) & 0xff,
                b.get(AssetAbi.MsgAsset.PROTOCOL) & 0xff, b.getShort(AssetAbi.MsgAsset.PORT) & 0xffff, addr,
                b.getLong(AssetAbi.MsgAsset.BYTES), b.getLong(AssetAbi.MsgAsset.BUDGET),
                b.getLong(AssetAbi.MsgAsset.ASSET_DEV), b.getLong(AssetAbi.MsgAsset.ASSET_INO),
                string(b, AssetAbi.MsgAsset.SIZEOF, (int) pathLen));
    }

    private static void need(ByteBuffer b, int size, MsgOp op) throws MalformedRecordException {
        if (b.remaining() < size) {
            throw new MalformedRecordException(op + " record of " + b.remaining() + " bytes, expected " + size);
        }
    }

    static ExecveKey key(ByteBuffer b, int off) {
        return new ExecveKey(b.getInt(off + Layout.ExecveKey.PID), b.getLong(off + Layout.ExecveKey.KTIME));
    }

    private static String string(ByteBuffer b, int off, int len) {
        byte[] bytes = new byte[len];
        b.get(off, bytes);
        // a path the kernel handed over with its NUL: cut there
        int end = 0;
        while (end < len && bytes[end] != 0) end++;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** argv arrives NUL-separated; an argument cut by truncation is kept as far as it came. */
    static List<String> splitArgs(ByteBuffer b, int off, int len) {
        List<String> out = new ArrayList<>();
        byte[] bytes = new byte[len];
        b.get(off, bytes);
        int start = 0;
        for (int i = 0; i <= len; i++) {
            if (i == len || bytes[i] == 0) {
                if (i > start || i < len) {
                    out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return out;
    }
}

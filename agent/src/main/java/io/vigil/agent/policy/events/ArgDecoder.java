package io.vigil.agent.policy.events;

import io.vigil.agent.policy.HookDescriptor.ArgDescriptor;
import io.vigil.api.ArgValue;
import io.vigil.api.KprobeArgument;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericAbi.ArgType;
import io.vigil.bpf.wire.GenericMsg.RawArg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One argument of a msg_generic, typed by the hook's {@link ArgDescriptor#abiType()}, as Tetragon
 * types it (pkg/grpc/tracing getKprobeArgument): signed 8-32 bit integers as int_arg, unsigned as
 * uint_arg, int64 as long_arg, uint64 and size_t as size_arg, char_buf as bytes_arg, fd and file as
 * file_arg, cred as process_credentials_arg ... An argument the sensor could not read (flag ERROR)
 * gets its type's empty value. Stateless.
 */
final class ArgDecoder {
    private ArgDecoder() {}

    /** The sensor sent bytes that do not fit the hook's type: a bug on one side of the ABI. */
    static final class BadArgException extends Exception {
        BadArgException(String message) {
            super(message);
        }
    }

    /** Whether the sensors send anything for this type (NOP arguments are declared, not read). */
    static boolean carriesValue(int abiType) {
        return abiType != ArgType.NOP && abiType != ArgType.NONE;
    }

    static KprobeArgument decode(ArgDescriptor d, RawArg raw) throws BadArgException {
        byte[] b = raw.bytes();
        ArgValue v = switch (d.abiType()) {
            case ArgType.S8, ArgType.S16, ArgType.S32, ArgType.U8, ArgType.U16, ArgType.U32, ArgType.S64, ArgType.U64,
                    ArgType.SIZE_T, ArgType.CAP, ArgType.CAP_SET -> integer(d, raw.error() ? 0 : u64(b, d));
            case ArgType.STRING -> new ArgValue.StringArg(text(b));
            case ArgType.CHAR_BUF, ArgType.IOV_ITER -> new ArgValue.BytesArg(b);   // iov_iter: its data, as Tetragon
            case ArgType.FD, ArgType.FILE -> ArgValue.FileArg.of(text(b));
            case ArgType.PATH, ArgType.DENTRY -> ArgValue.PathArg.of(text(b));   // Tetragon sends dentry as path_arg
            case ArgType.KIOCB -> ArgValue.FileArg.of(text(b));                  // and kiocb as file_arg
            case ArgType.NET_DEVICE -> new ArgValue.NetDevArg(text(b));
            case ArgType.LINUX_BINPRM -> ArgValue.LinuxBinprmArg.of(text(b));
            case ArgType.SOCK, ArgType.SOCKET -> sock(raw.error() ? null : sized(b, GenericAbi.Sockaddr.SIZEOF, d));
            case ArgType.SKB -> skb(raw.error() ? null : sized(b, GenericAbi.Sockaddr.SIZEOF, d));
            case ArgType.SOCKADDR -> sockaddr(raw.error() ? null : sized(b, GenericAbi.Sockaddr.SIZEOF, d));
            case ArgType.BPF_ATTR -> bpfAttr(raw.error() ? null : sized(b, GenericAbi.GenBpfAttr.SIZEOF, d));
            case ArgType.BPF_MAP -> bpfMap(raw.error() ? null : sized(b, GenericAbi.GenBpfMap.SIZEOF, d));
            case ArgType.USER_NS -> userNs(raw.error() ? null : sized(b, GenericAbi.GenUserNs.SIZEOF, d));
            case ArgType.MODULE -> module(raw.error() ? null : sized(b, GenericAbi.GenModule.SIZEOF, d));
            case ArgType.PERF_EVENT -> perfEvent(raw.error() ? null : sized(b, GenericAbi.GenPerfEvent.SIZEOF, d));
            case ArgType.CRED -> cred(raw.error() ? null : sized(b, GenericAbi.GenCred.SIZEOF, d));
            default -> throw new BadArgException("type " + d.tetragonType() + " (ABI " + d.abiType() + ") has no event form");
        };
        return new KprobeArgument(v, d.label().orElse(""));
    }

    /** The return value, read as the returnArg's integer type. */
    static KprobeArgument decodeReturn(ArgDescriptor d, long ret) throws BadArgException {
        return new KprobeArgument(integer(d, ret), d.label().orElse(""));
    }

    private static ArgValue integer(ArgDescriptor d, long v) throws BadArgException {
        return switch (d.abiType()) {
            case ArgType.S8, ArgType.S16, ArgType.S32 -> new ArgValue.IntArg((int) v);
            case ArgType.U8, ArgType.U16, ArgType.U32 -> new ArgValue.UintArg(v & 0xFFFF_FFFFL);
            case ArgType.S64 -> new ArgValue.LongArg(v);
            case ArgType.U64, ArgType.SIZE_T -> new ArgValue.SizeArg(v);
            case ArgType.CAP -> new ArgValue.CapabilityArg((int) v, Capabilities.name((int) v));
            case ArgType.CAP_SET -> new ArgValue.CapSetArg(capSetKind(d.tetragonType()), v);
            default -> throw new BadArgException("type " + d.tetragonType() + " (ABI " + d.abiType() + ") is not an integer");
        };
    }

    private static ArgValue.CapSetArg.Kind capSetKind(String tetragonType) {
        return switch (tetragonType) {
            case "cap_inheritable" -> ArgValue.CapSetArg.Kind.CAP_INHERITABLE;
            case "cap_permitted" -> ArgValue.CapSetArg.Kind.CAP_PERMITTED;
            case "cap_effective" -> ArgValue.CapSetArg.Kind.CAP_EFFECTIVE;
            default -> ArgValue.CapSetArg.Kind.KERNEL_CAP_T;
        };
    }

    private static long u64(byte[] b, ArgDescriptor d) throws BadArgException {
        return sized(b, 8, d).getLong(0);
    }

    private static ByteBuffer sized(byte[] b, int size, ArgDescriptor d) throws BadArgException {
        if (b.length != size) {
            throw new BadArgException("argument of type " + d.tetragonType() + " has " + b.length + " bytes, expected " + size);
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Strings and paths arrive without NUL; one in the middle (a path the kernel padded) ends it. */
    private static String text(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    private static int u16(ByteBuffer s, int off) {
        return s.getShort(off) & 0xffff;
    }

    private static ArgValue sock(ByteBuffer s) {
        if (s == null) {
            return new ArgValue.SockArg("", "", "", 0, 0, "", "", 0, 0, 0, "");
        }
        int family = u16(s, GenericAbi.Sockaddr.FAMILY);
        byte[] a = s.array();
        return new ArgValue.SockArg(Inet.family(family), Inet.type(u16(s, GenericAbi.Sockaddr.TYPE)),
                Inet.protocol(u16(s, GenericAbi.Sockaddr.PROTOCOL)), 0, 0,
                Inet.address(family, a, GenericAbi.Sockaddr.SADDR), Inet.address(family, a, GenericAbi.Sockaddr.DADDR),
                u16(s, GenericAbi.Sockaddr.SPORT), u16(s, GenericAbi.Sockaddr.DPORT), 0,
                Inet.tcpState(u16(s, GenericAbi.Sockaddr.STATE)));
    }

    private static ArgValue skb(ByteBuffer s) {
        if (s == null) {
            return new ArgValue.SkbArg("", "", 0, 0, 0, "", "");
        }
        int family = u16(s, GenericAbi.Sockaddr.FAMILY);
        int proto = u16(s, GenericAbi.Sockaddr.PROTOCOL);
        byte[] a = s.array();
        return new ArgValue.SkbArg(Inet.address(family, a, GenericAbi.Sockaddr.SADDR),
                Inet.address(family, a, GenericAbi.Sockaddr.DADDR), u16(s, GenericAbi.Sockaddr.SPORT),
                u16(s, GenericAbi.Sockaddr.DPORT), proto, Inet.protocol(proto), Inet.family(family));
    }

    /** A struct sockaddr's one address travels in daddr/dport (generic_abi.h, VIGIL_GEN_TYPE_SOCKADDR). */
    private static ArgValue sockaddr(ByteBuffer s) {
        if (s == null) {
            return new ArgValue.SockaddrArg("", "", 0);
        }
        int family = u16(s, GenericAbi.Sockaddr.FAMILY);
        return new ArgValue.SockaddrArg(Inet.family(family), Inet.address(family, s.array(), GenericAbi.Sockaddr.DADDR),
                u16(s, GenericAbi.Sockaddr.DPORT));
    }

    private static ArgValue cred(ByteBuffer c) {
        if (c == null) {
            return new ArgValue.CredArg(0, 0, 0, 0, 0, 0, 0, 0, java.util.List.of(), java.util.List.of(), java.util.List.of());
        }
        return new ArgValue.CredArg(u32(c, GenericAbi.GenCred.UID), u32(c, GenericAbi.GenCred.GID),
                u32(c, GenericAbi.GenCred.EUID), u32(c, GenericAbi.GenCred.EGID), u32(c, GenericAbi.GenCred.SUID),
                u32(c, GenericAbi.GenCred.SGID), u32(c, GenericAbi.GenCred.FSUID), u32(c, GenericAbi.GenCred.FSGID),
                Capabilities.names(c.getLong(GenericAbi.GenCred.CAP_PERMITTED)),
                Capabilities.names(c.getLong(GenericAbi.GenCred.CAP_EFFECTIVE)), java.util.List.of());
    }

    private static ArgValue bpfAttr(ByteBuffer a) {
        if (a == null) {
            return new ArgValue.BpfAttrArg("", 0, "");
        }
        return new ArgValue.BpfAttrArg(BpfNames.progType(u32(a, GenericAbi.GenBpfAttr.PROG_TYPE)),
                u32(a, GenericAbi.GenBpfAttr.INSN_CNT), name(a, GenericAbi.GenBpfAttr.PROG_NAME));
    }

    private static ArgValue bpfMap(ByteBuffer m) {
        if (m == null) {
            return new ArgValue.BpfMapArg("", 0, 0, 0, "");
        }
        return new ArgValue.BpfMapArg(BpfNames.mapType(u32(m, GenericAbi.GenBpfMap.MAP_TYPE)),
                u32(m, GenericAbi.GenBpfMap.KEY_SIZE), u32(m, GenericAbi.GenBpfMap.VALUE_SIZE),
                u32(m, GenericAbi.GenBpfMap.MAX_ENTRIES), name(m, GenericAbi.GenBpfMap.MAP_NAME));
    }

    /** The initial user namespace's inode number (PROC_USER_INIT_INO): fixed, the same on every host. */
    static final long INIT_USER_NS_INUM = 0xEFFFFFFDL;

    private static ArgValue userNs(ByteBuffer n) {
        if (n == null) {
            return new ArgValue.UserNsArg(0, 0, 0, 0, false);
        }
        long inum = u32(n, GenericAbi.GenUserNs.INUM);
        return new ArgValue.UserNsArg(n.getInt(GenericAbi.GenUserNs.LEVEL), u32(n, GenericAbi.GenUserNs.UID),
                u32(n, GenericAbi.GenUserNs.GID), inum, inum == INIT_USER_NS_INUM);
    }

    private static ArgValue module(ByteBuffer m) {
        if (m == null) {
            return new ArgValue.ModuleArg("", java.util.List.of());
        }
        byte[] name = java.util.Arrays.copyOfRange(m.array(), GenericAbi.GenModule.NAME, GenericAbi.GenModule.SIZEOF);
        return new ArgValue.ModuleArg(text(name), Taints.names(m.getLong(GenericAbi.GenModule.TAINTS)));
    }

    private static ArgValue perfEvent(ByteBuffer p) {
        if (p == null) {
            return new ArgValue.PerfEventArg("", "", 0, 0);
        }
        byte[] func = java.util.Arrays.copyOfRange(p.array(), GenericAbi.GenPerfEvent.KPROBE_FUNC,
                GenericAbi.GenPerfEvent.CONFIG);   // kprobe_func[128] ends where config starts
        return new ArgValue.PerfEventArg(text(func), PerfEventTypes.name(u32(p, GenericAbi.GenPerfEvent.TYPE)),
                p.getLong(GenericAbi.GenPerfEvent.CONFIG), p.getLong(GenericAbi.GenPerfEvent.PROBE_OFFSET));
    }

    /** A BPF object name: 16 bytes, NUL-padded. */
    private static String name(ByteBuffer b, int off) {
        return text(java.util.Arrays.copyOfRange(b.array(), off, off + 16));
    }

    private static long u32(ByteBuffer b, int off) {
        return Integer.toUnsignedLong(b.getInt(off));
    }
}

package io.vigil.agent.policy.compile;

import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.ArgType;
import java.math.BigInteger;
import java.util.OptionalInt;

/** Policy argument types -> GenericAbi.ArgType, and what each ABI type accepts. */
final class AbiTypes {
    private AbiTypes() {}

    /** The ABI type the sensors read a policy type as; empty: the sensors cannot read it. */
    static OptionalInt of(ArgType t) {
        int v = switch (t) {
            case INT, INT32, SINT32 -> GenericAbi.ArgType.S32;
            case UINT32 -> GenericAbi.ArgType.U32;
            case INT8, SINT8 -> GenericAbi.ArgType.S8;
            case UINT8 -> GenericAbi.ArgType.U8;
            case INT16, SINT16 -> GenericAbi.ArgType.S16;
            case UINT16 -> GenericAbi.ArgType.U16;
            case LONG, INT64, SINT64 -> GenericAbi.ArgType.S64;
            case ULONG, UINT64, SYSCALL64 -> GenericAbi.ArgType.U64;
            case SIZE_T -> GenericAbi.ArgType.SIZE_T;
            case STRING -> GenericAbi.ArgType.STRING;
            case CHAR_BUF -> GenericAbi.ArgType.CHAR_BUF;
            case FD -> GenericAbi.ArgType.FD;
            case FILE -> GenericAbi.ArgType.FILE;
            case PATH -> GenericAbi.ArgType.PATH;
            case LINUX_BINPRM -> GenericAbi.ArgType.LINUX_BINPRM;
            case SOCK -> GenericAbi.ArgType.SOCK;
            case SOCKET -> GenericAbi.ArgType.SOCKET;
            case SKB -> GenericAbi.ArgType.SKB;
            case SOCKADDR -> GenericAbi.ArgType.SOCKADDR;
            case CRED -> GenericAbi.ArgType.CRED;
            case CAPABILITY -> GenericAbi.ArgType.CAP;
            case KERNEL_CAP_T, CAP_INHERITABLE, CAP_PERMITTED, CAP_EFFECTIVE -> GenericAbi.ArgType.CAP_SET;
            case NOP -> GenericAbi.ArgType.NOP;
            case DENTRY -> GenericAbi.ArgType.DENTRY;
            case KIOCB -> GenericAbi.ArgType.KIOCB;
            case NET_DEVICE -> GenericAbi.ArgType.NET_DEVICE;
            case BPF_ATTR -> GenericAbi.ArgType.BPF_ATTR;
            case BPF_MAP -> GenericAbi.ArgType.BPF_MAP;
            case USER_NAMESPACE -> GenericAbi.ArgType.USER_NS;
            case MODULE -> GenericAbi.ArgType.MODULE;
            case PERF_EVENT -> GenericAbi.ArgType.PERF_EVENT;
            case IOV_ITER -> GenericAbi.ArgType.IOV_ITER;
            default -> -1;
        };
        return v < 0 ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** Types read through a kernel pointer (struct file *, struct sock * ...). */
    static boolean kernelStruct(int abi) {
        return switch (abi) {
            case GenericAbi.ArgType.FILE, GenericAbi.ArgType.PATH, GenericAbi.ArgType.LINUX_BINPRM,
                    GenericAbi.ArgType.SOCK, GenericAbi.ArgType.SOCKET, GenericAbi.ArgType.SKB, GenericAbi.ArgType.CRED,
                    GenericAbi.ArgType.CAP_SET, GenericAbi.ArgType.DENTRY, GenericAbi.ArgType.KIOCB,
                    GenericAbi.ArgType.NET_DEVICE, GenericAbi.ArgType.BPF_ATTR, GenericAbi.ArgType.BPF_MAP,
                    GenericAbi.ArgType.USER_NS, GenericAbi.ArgType.MODULE, GenericAbi.ArgType.PERF_EVENT,
                    GenericAbi.ArgType.IOV_ITER -> true;
            default -> false;
        };
    }

    /** Types whose value is a pointer to memory the syscall's caller owns. */
    static boolean pointer(int abi) {
        return abi == GenericAbi.ArgType.STRING || abi == GenericAbi.ArgType.CHAR_BUF || abi == GenericAbi.ArgType.SOCKADDR;
    }

    /** Filtered as bytes (generic.h gen_type_string). */
    static boolean string(int abi) {
        return switch (abi) {
            case GenericAbi.ArgType.STRING, GenericAbi.ArgType.CHAR_BUF, GenericAbi.ArgType.FD, GenericAbi.ArgType.FILE,
                    GenericAbi.ArgType.PATH, GenericAbi.ArgType.LINUX_BINPRM, GenericAbi.ArgType.DENTRY,
                    GenericAbi.ArgType.KIOCB, GenericAbi.ArgType.NET_DEVICE -> true;
            default -> false;
        };
    }

    /** Filtered as a socket tuple (generic.h gen_type_sock). */
    static boolean socket(int abi) {
        return abi == GenericAbi.ArgType.SOCK || abi == GenericAbi.ArgType.SOCKET || abi == GenericAbi.ArgType.SKB
                || abi == GenericAbi.ArgType.SOCKADDR;
    }

    /** Filtered as an integer (generic.h gen_match_int). */
    static boolean integer(int abi) {
        return (abi >= GenericAbi.ArgType.S32 && abi <= GenericAbi.ArgType.U16) || abi == GenericAbi.ArgType.CAP
                || abi == GenericAbi.ArgType.CAP_SET;
    }

    /** The range of values a filter on this type compares with (generic.h gen_extend). */
    static BigInteger[] range(int abi) {
        return switch (abi) {
            case GenericAbi.ArgType.S8 -> signed(8);
            case GenericAbi.ArgType.U8 -> unsigned(8);
            case GenericAbi.ArgType.S16 -> signed(16);
            case GenericAbi.ArgType.U16 -> unsigned(16);
            case GenericAbi.ArgType.S32, GenericAbi.ArgType.SIZE_T, GenericAbi.ArgType.CAP -> signed(32);
            case GenericAbi.ArgType.U32 -> unsigned(32);
            case GenericAbi.ArgType.S64 -> signed(64);
            default -> unsigned(64);
        };
    }

    private static BigInteger[] signed(int bits) {
        return new BigInteger[] {BigInteger.ONE.shiftLeft(bits - 1).negate(), BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)};
    }

    private static BigInteger[] unsigned(int bits) {
        return new BigInteger[] {BigInteger.ZERO, BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)};
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code args[].type}: every spelling in Tetragon's CRD enum (docs/content/en/docs/reference/
 * tracing-policy.md, KProbeArg.type). Several spellings name one kernel type (int64, sint64, long);
 * each keeps its own constant so a policy reads back as written. {@link #tetragonCode()} is the
 * generic type number in Tetragon's pkg/generictypes/generictypes.go, for the kernel encoder.
 */
public enum ArgType implements Spelled {
    /** Type taken from the kernel's BTF at load time; unknown to a static check. */
    AUTO("auto", 0, Value.UNKNOWN, VigilSupport.PARSED_ONLY),
    INT("int", 1, Value.S32, VigilSupport.PLANNED),
    SINT8("sint8", 31, Value.S32, VigilSupport.PLANNED),
    INT8("int8", 31, Value.S32, VigilSupport.PLANNED),
    UINT8("uint8", 32, Value.U32, VigilSupport.PLANNED),
    SINT16("sint16", 29, Value.S32, VigilSupport.PLANNED),
    INT16("int16", 29, Value.S32, VigilSupport.PLANNED),
    UINT16("uint16", 30, Value.U32, VigilSupport.PLANNED),
    UINT32("uint32", 13, Value.U32, VigilSupport.PLANNED),
    SINT32("sint32", 12, Value.S32, VigilSupport.PLANNED),
    INT32("int32", 12, Value.S32, VigilSupport.PLANNED),
    ULONG("ulong", 11, Value.U64, VigilSupport.PLANNED),
    UINT64("uint64", 11, Value.U64, VigilSupport.PLANNED),
    /** Tetragon filters size_t values as 32-bit signed (writeMatchValues in pkg/selectors/kernel.go). */
    SIZE_T("size_t", 4, Value.S32, VigilSupport.PLANNED),
    LONG("long", 10, Value.S64, VigilSupport.PLANNED),
    SINT64("sint64", 10, Value.S64, VigilSupport.PLANNED),
    INT64("int64", 10, Value.S64, VigilSupport.PLANNED),
    CHAR_BUF("char_buf", 2, Value.STRING, VigilSupport.PLANNED),
    CHAR_IOVEC("char_iovec", 3, Value.OPAQUE, VigilSupport.PLANNED),
    SKB("skb", 5, Value.SOCKET, VigilSupport.PLANNED),
    SOCK("sock", 7, Value.SOCKET, VigilSupport.PLANNED),
    SOCKADDR("sockaddr", 40, Value.SOCKET, VigilSupport.PLANNED),
    SOCKET("socket", 41, Value.SOCKET, VigilSupport.PLANNED),
    STRING("string", 6, Value.STRING, VigilSupport.PLANNED),
    FD("fd", 17, Value.PATH, VigilSupport.PLANNED),
    FILE("file", 16, Value.PATH, VigilSupport.PLANNED),
    /** An old type Tetragon still accepts; no matchArgs operator applies to it. */
    FILENAME("filename", 14, Value.OPAQUE, VigilSupport.PARSED_ONLY),
    PATH("path", 15, Value.PATH, VigilSupport.PLANNED),
    /** Declares an argument without reading it. */
    NOP("nop", -1, Value.OPAQUE, VigilSupport.PLANNED),
    BPF_ATTR("bpf_attr", 19, Value.OPAQUE, VigilSupport.PLANNED),
    PERF_EVENT("perf_event", 20, Value.OPAQUE, VigilSupport.PLANNED),
    BPF_MAP("bpf_map", 21, Value.OPAQUE, VigilSupport.PLANNED),
    USER_NAMESPACE("user_namespace", 22, Value.OPAQUE, VigilSupport.PLANNED),
    /** A single capability number (e.g. cap_capable's {@code int cap}); not filterable in Tetragon. */
    CAPABILITY("capability", 23, Value.OPAQUE, VigilSupport.PLANNED),
    KIOCB("kiocb", 24, Value.OPAQUE, VigilSupport.PLANNED),
    IOV_ITER("iov_iter", 25, Value.OPAQUE, VigilSupport.PLANNED),
    CRED("cred", 8, Value.OPAQUE, VigilSupport.PLANNED),
    CONST_BUF("const_buf", 18, Value.OPAQUE, VigilSupport.PARSED_ONLY),
    LOAD_INFO("load_info", 26, Value.OPAQUE, VigilSupport.PARSED_ONLY),
    MODULE("module", 27, Value.OPAQUE, VigilSupport.PLANNED),
    /** A syscall number with its ABI bit, for raw_syscalls and InMap over syscall lists. */
    SYSCALL64("syscall64", 28, Value.S64, VigilSupport.PLANNED),
    KERNEL_CAP_T("kernel_cap_t", 33, Value.CAPS, VigilSupport.PLANNED),
    CAP_INHERITABLE("cap_inheritable", 34, Value.CAPS, VigilSupport.PLANNED),
    CAP_PERMITTED("cap_permitted", 35, Value.CAPS, VigilSupport.PLANNED),
    CAP_EFFECTIVE("cap_effective", 36, Value.CAPS, VigilSupport.PLANNED),
    LINUX_BINPRM("linux_binprm", 37, Value.PATH, VigilSupport.PLANNED),
    DATA_LOC("data_loc", 38, Value.STRING, VigilSupport.PARSED_ONLY),
    NET_DEVICE("net_device", 39, Value.DEVICE, VigilSupport.PLANNED),
    /** Printed as a bpf command name; read as an int (Tetragon's user-space type 1 over int). */
    BPF_CMD("bpf_cmd", 1, Value.S32, VigilSupport.PARSED_ONLY),
    DENTRY("dentry", 42, Value.PATH, VigilSupport.PLANNED),
    BPF_PROG("bpf_prog", 43, Value.OPAQUE, VigilSupport.PARSED_ONLY);

    /** What a filter value of this type is, as Tetragon's selector encoder reads it. */
    public enum Value {
        /** Parsed with strconv.ParseInt(v, 0, 32). */
        S32,
        /** Parsed with strconv.ParseUint(v, 0, 32). */
        U32,
        /** Parsed with strconv.ParseInt(v, 0, 64). */
        S64,
        /** Parsed with strconv.ParseUint(v, 0, 64). */
        U64,
        /** Compared as a string (string, char_buf, data_loc). */
        STRING,
        /** Compared as a path (fd, file, path, linux_binprm, dentry). */
        PATH,
        /** A network object (sock, skb, sockaddr, socket): only the socket operators apply. */
        SOCKET,
        /** A capability set: a number or comma-separated CAP_ names. */
        CAPS,
        /** net_device: its name compared as a string. */
        DEVICE,
        /** Read for the event only; no operator filters it. */
        OPAQUE,
        /** auto: decided by BTF at load time. */
        UNKNOWN
    }

    private static final Set<Value> INTEGER_VALUES = EnumSet.of(Value.S32, Value.U32, Value.S64, Value.U64);

    private final String spelling;
    private final int tetragonCode;
    private final Value value;
    private final VigilSupport support;

    ArgType(String spelling, int tetragonCode, Value value, VigilSupport support) {
        this.spelling = spelling;
        this.tetragonCode = tetragonCode;
        this.value = value;
        this.support = support;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    /** The generic type number in Tetragon's pkg/generictypes/generictypes.go (0 = unset, -1 = nop). */
    public int tetragonCode() {
        return tetragonCode;
    }

    public Value value() {
        return value;
    }

    public boolean isInteger() {
        return INTEGER_VALUES.contains(value);
    }

    public boolean isCapabilitySet() {
        return value == Value.CAPS;
    }

    public VigilSupport support() {
        return support;
    }
}

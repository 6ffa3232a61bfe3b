package io.vigil.bpf.wire;

/**
 * The contract between a compiled tracing policy and the generic hook sensors. C side:
 * kprobe-bpf/src/main/bpf/lib/generic_abi.h, which documents the semantics of every field.
 * Every constant has the C side's explicit value; StructLayoutTest checks the offsets against BTF.
 * Integers are little-endian, as the host.
 */
public final class GenericAbi {
    private GenericAbi() {}

    public static final int MAX_ARGS = 5;
    public static final int MAX_SELECTORS = 5;
    public static final int MAX_FILTERS = 5;
    public static final int MAX_VALUES = 4;
    public static final int MAX_PIDS = 4;
    public static final int MAX_NS = 10;
    public static final int MAX_NS_VALUES = 4;
    /** Bytes of a string compared by Equal; Equal values use at most STR_KEY - 1. */
    public static final int STR_KEY = 256;
    /** Leading bytes compared by Prefix (the kernel caps LPM trie data at 256 bytes, set_id takes 4). */
    public static final int PREFIX_KEY = 252;
    public static final int POSTFIX_KEY = 128;
    public static final int ARG_BYTES = 4096;
    public static final int SLOT_RETURN = 5;
    public static final int BIN_MAX_BITS = 64;
    /** VIGIL_GEN_RESOLVE_STEPS: members of one resolve path. */
    public static final int RESOLVE_STEPS = 8;

    /** enum vigil_gen_type */
    public static final class ArgType {
        public static final int NONE = 0;
        public static final int S32 = 1;
        public static final int U32 = 2;
        public static final int S64 = 3;
        public static final int U64 = 4;
        public static final int SIZE_T = 5;
        public static final int S8 = 6;
        public static final int U8 = 7;
        public static final int S16 = 8;
        public static final int U16 = 9;
        public static final int STRING = 10;
        public static final int CHAR_BUF = 11;
        public static final int FD = 12;
        public static final int FILE = 13;
        public static final int PATH = 14;
        public static final int LINUX_BINPRM = 15;
        public static final int SOCK = 16;
        public static final int SOCKET = 17;
        public static final int SKB = 18;
        public static final int SOCKADDR = 19;
        public static final int CRED = 20;
        public static final int CAP = 21;
        public static final int CAP_SET = 22;
        public static final int NOP = 23;
        /** struct dentry * sent as its path inside its filesystem (generic_kobj.h) */
        public static final int DENTRY = 24;
        /** struct kiocb * sent as ki_filp's path */
        public static final int KIOCB = 25;
        /** struct net_device * sent as its name */
        public static final int NET_DEVICE = 26;
        /** union bpf_attr * (BPF_PROG_LOAD) sent as a {@link GenBpfAttr} */
        public static final int BPF_ATTR = 27;
        /** struct bpf_map * sent as a {@link GenBpfMap} */
        public static final int BPF_MAP = 28;
        /** struct user_namespace * sent as a {@link GenUserNs} */
        public static final int USER_NS = 29;
        /** struct module * sent as a {@link GenModule} */
        public static final int MODULE = 30;
        /** struct perf_event * sent as a {@link GenPerfEvent} */
        public static final int PERF_EVENT = 31;
        /** struct iov_iter * sent as the bytes of its first user segment, as {@link #CHAR_BUF} */
        public static final int IOV_ITER = 32;
        private ArgType() {}
    }

    /** enum vigil_gen_arg_flags */
    public static final class ArgFlag {
        public static final int USER = 0x01;
        public static final int RETURN_COPY = 0x02;
        public static final int MAX_DATA = 0x04;
        public static final int SIZE_RETURN = 0x08;
        /** the value is ctx_off itself (a constant of the tracepoint that serves a kernel function) */
        public static final int CONST = 0x10;
        /** the value is the return value, taken (and resolved, for fds) at return */
        public static final int FROM_RET = 0x20;
        /** the value read is an fd: file/socket/sock arguments are its file, the file's socket, its sk */
        public static final int FROM_FD = 0x40;
        /** sock/socket/sockaddr: the tuple of the cgroup sock_addr context (bpf_generic_sockaddr.c) */
        public static final int CTX_TUPLE = 0x80;
        private ArgFlag() {}
    }

    /** enum vigil_gen_op */
    public static final class Op {
        public static final int EQ = 1;
        public static final int NEQ = 2;
        public static final int PREFIX = 3;
        public static final int NOT_PREFIX = 4;
        public static final int POSTFIX = 5;
        public static final int NOT_POSTFIX = 6;
        public static final int GT = 7;
        public static final int LT = 8;
        public static final int MASK = 9;
        public static final int IN_SET = 10;
        public static final int NOT_IN_SET = 11;
        public static final int SADDR = 12;
        public static final int NOT_SADDR = 13;
        public static final int DADDR = 14;
        public static final int NOT_DADDR = 15;
        public static final int SPORT = 16;
        public static final int NOT_SPORT = 17;
        public static final int DPORT = 18;
        public static final int NOT_DPORT = 19;
        public static final int SPORT_PRIV = 20;
        public static final int NOT_SPORT_PRIV = 21;
        public static final int DPORT_PRIV = 22;
        public static final int NOT_DPORT_PRIV = 23;
        public static final int PROTOCOL = 24;
        public static final int FAMILY = 25;
        public static final int STATE = 26;
        public static final int IN_RANGE = 27;
        public static final int NOT_IN_RANGE = 28;
        private Op() {}
    }

    /** enum vigil_gen_ns_type */
    public static final class NsType {
        public static final int UTS = 0;
        public static final int IPC = 1;
        public static final int MNT = 2;
        public static final int PID = 3;
        public static final int PID_FOR_CHILDREN = 4;
        public static final int NET = 5;
        public static final int TIME = 6;
        public static final int TIME_FOR_CHILDREN = 7;
        public static final int CGROUP = 8;
        public static final int USER = 9;
        private NsType() {}
    }

    /** enum vigil_gen_set_op */
    public static final class SetOp {
        public static final int NONE = 0;
        public static final int IN = 1;
        public static final int NOT_IN = 2;
        private SetOp() {}
    }

    /** enum vigil_gen_pid_flags */
    public static final class PidFlag {
        public static final int FOLLOW_FORKS = 0x01;
        public static final int NAMESPACE = 0x02;
        private PidFlag() {}
    }

    /** enum vigil_gen_cap_type */
    public static final class CapType {
        public static final int EFFECTIVE = 0;
        public static final int INHERITABLE = 1;
        public static final int PERMITTED = 2;
        private CapType() {}
    }

    /** enum vigil_gen_action (bits) */
    public static final class Action {
        public static final int POST = 0x01;
        public static final int NOPOST = 0x02;
        public static final int SIGKILL = 0x04;
        public static final int OVERRIDE = 0x08;
        public static final int SIGNAL = 0x10;
        public static final int NOTIFY_ENFORCER = 0x20;
        /** posted; the agent does the request (io.vigil.agent.policy.events.AgentActionRunner) */
        public static final int GETURL = 0x40;
        public static final int DNSLOOKUP = 0x80;
        /** socktrack (lib/socktrack.h) of the sock of argument Selector.ARG_SOCK: the current process owns it */
        public static final int TRACKSOCK = 0x100;
        /** socktrack: forget the sock of argument Selector.ARG_SOCK */
        public static final int UNTRACKSOCK = 0x200;
        private Action() {}
    }

    /** enum vigil_gen_rate_scope */
    public static final class RateScope {
        public static final int THREAD = 0;
        public static final int PROCESS = 1;
        public static final int GLOBAL = 2;
        private RateScope() {}
    }

    /** enum vigil_gen_hook_flags */
    public static final class HookFlag {
        public static final int RETURN = 0x01;
        public static final int SYSCALL_WRAPPER = 0x02;
        public static final int MONITOR = 0x04;
        public static final int SYSCALL_TP = 0x08;
        /** returnArgAction TrackSock: socktrack[returned sock] = the current process (lib/socktrack.h) */
        public static final int TRACK_SOCK = 0x10;
        /** returnArgAction UntrackSock: delete socktrack[returned sock] */
        public static final int UNTRACK_SOCK = 0x20;
        /** tail-called by a dispatcher (bpf_generic_dispatch.c), not attached: chains on to the next member */
        public static final int MEMBER = 0x40;
        private HookFlag() {}
    }

    /** enum vigil_gen_msg_flags */
    public static final class MsgFlag {
        public static final int RETURN = 0x01;
        public static final int MONITORED = 0x02;
        private MsgFlag() {}
    }

    /** enum vigil_gen_arg_msg_flags */
    public static final class ArgMsgFlag {
        public static final int TRUNCATED = 0x01;
        public static final int ERROR = 0x02;
        private ArgMsgFlag() {}
    }

    /** struct gen_arg */
    public static final class Arg {
        public static final int TYPE = 0;
        public static final int FLAGS = 1;
        public static final int SRC = 2;
        public static final int SIZE_SRC = 3;
        public static final int CTX_OFF = 4;
        public static final int SIZE_CTX_OFF = 6;
        public static final int CTX_SIZE = 8;
        public static final int SIZE_CTX_SIZE = 9;
        public static final int SIZEOF = 12;
        private Arg() {}
    }

    /** struct gen_resolve: a field path followed from an argument (generic_abi.h says how) */
    public static final class Resolve {
        public static final int NSTEPS = 0;
        public static final int SIZE = 1;
        public static final int BASE = 2;
        public static final int OFF = 4;
        public static final int SIZEOF = 36;
        private Resolve() {}
    }

    /** enum vigil_gen_resolve_base: where gen_resolve's path starts */
    public static final class ResolveBase {
        public static final int ARG = 0;
        public static final int TASK = 1;
        private ResolveBase() {}
    }

    /** struct gen_filter */
    public static final class Filter {
        public static final int SLOT = 0;
        public static final int OP = 1;
        public static final int NVALS = 2;
        public static final int SET_ID = 4;
        public static final int VALS = 8;
        public static final int SIZEOF = 40;
        private Filter() {}
    }

    /** struct gen_ns_filter */
    public static final class NsFilter {
        public static final int TYPE = 0;
        public static final int OP = 1;
        public static final int NVALS = 2;
        public static final int VALS = 4;
        public static final int SIZEOF = 24;
        private NsFilter() {}
    }

    /** struct gen_selector */
    public static final class Selector {
        public static final int NFILTERS = 0;
        public static final int BIN_OP = 1;
        public static final int BIN_BIT = 2;
        public static final int PBIN_OP = 3;
        public static final int PBIN_BIT = 4;
        public static final int PID_OP = 5;
        public static final int PID_FLAGS = 6;
        public static final int NPIDS = 7;
        public static final int PIDS = 8;
        public static final int CAP_OP = 24;
        public static final int CAP_TYPE = 25;
        public static final int CAP_NS = 26;
        public static final int NNS = 27;
        public static final int RATE_SCOPE = 28;
        public static final int CAP_MASK = 32;
        public static final int ACTIONS = 40;
        public static final int ARG_ERROR = 44;
        public static final int ARG_SIG = 48;
        /** TrackSock/UntrackSock: the args[] slot of the sock */
        public static final int ARG_SOCK = 52;
        public static final int RATE_NS = 56;
        public static final int NS = 64;
        public static final int FILTERS = 304;
        public static final int CAPC_OP = 504;
        public static final int CAPC_TYPE = 505;
        public static final int CAPC_NS = 506;
        public static final int CAPC_MASK = 512;
        public static final int SIZEOF = 520;
        private Selector() {}
    }

    /** struct gen_config, the single value of a generic object's gen_config map */
    public static final class Config {
        public static final int HOOK_ID = 0;
        public static final int FLAGS = 4;
        public static final int NARGS = 8;
        public static final int NSELECTORS = 9;
        public static final int RET_TYPE = 10;
        public static final int RET_CTX_OFF = 12;
        public static final int ARGS = 16;
        public static final int SEL = 80;
        public static final int RESOLVE = 2680;
        public static final int SIZEOF = 2864;
        private Config() {}
    }

    /** struct gen_str_key (gen_str_eq) */
    public static final class StrKey {
        public static final int SET_ID = 0;
        public static final int LEN = 4;
        public static final int STR = 8;
        public static final int SIZEOF = 264;
        private StrKey() {}
    }

    /** struct gen_lpm_str_key (gen_prefix, gen_postfix) */
    public static final class LpmStrKey {
        public static final int PREFIXLEN = 0;
        public static final int SET_ID = 4;
        public static final int STR = 8;
        public static final int SIZEOF = 260;
        private LpmStrKey() {}
    }

    /** VIGIL_GEN_DISPATCH_SLOTS: members of one dispatcher (a chain of tail calls; the kernel allows 33). */
    public static final int DISPATCH_SLOTS = 32;
    /** VIGIL_GEN_GATE_KEY: bytes of the gate string in a gen_gate key, NUL included. */
    public static final int GATE_KEY = 256;
    /** VIGIL_GEN_GATE_HEADS: heads in gen_dispatch_config, tested before the gate string is read. */
    public static final int GATE_HEADS = 16;

    /** struct gen_dispatch_config (generic_abi.h; gen_dispatch_config[0] of bpf_generic_dispatch.c) */
    public static final class DispatchConfig {
        public static final int MEMBERS = 0;
        public static final int ALWAYS = 4;
        public static final int GATE_CTX_OFF = 8;
        public static final int GATE = 10;
        public static final int NHEADS = 11;
        public static final int HEADS = 16;
        public static final int SIZEOF = 272;
        private DispatchConfig() {}
    }

    /** struct gen_gate_head (generic_abi.h; gen_dispatch_config.heads[]) */
    public static final class GateHead {
        public static final int VAL = 0;
        public static final int MASK = 8;
        public static final int SIZEOF = 16;
        private GateHead() {}
    }

    /** struct gen_dispatch_state (generic_abi.h; per CPU, written by the programs only) */
    public static final class DispatchState {
        public static final int PID_TGID = 0;
        public static final int PENDING = 8;
        public static final int SIZEOF = 16;
        private DispatchState() {}
    }

    /** struct gen_gate_key (generic_abi.h; gen_gate, value a __u32 mask of member slots) */
    public static final class GateKey {
        public static final int PREFIXLEN = 0;
        public static final int STR = 4;
        public static final int SIZEOF = 260;
        private GateKey() {}
    }

    /** struct gen_int_key (gen_int_set) */
    public static final class IntKey {
        public static final int SET_ID = 0;
        public static final int VAL = 8;
        public static final int SIZEOF = 16;
        private IntKey() {}
    }

    /** struct gen_addr4_key (gen_addr4) */
    public static final class Addr4Key {
        public static final int PREFIXLEN = 0;
        public static final int SET_ID = 4;
        public static final int ADDR = 8;
        public static final int SIZEOF = 12;
        private Addr4Key() {}
    }

    /** struct gen_addr6_key (gen_addr6) */
    public static final class Addr6Key {
        public static final int PREFIXLEN = 0;
        public static final int SET_ID = 4;
        public static final int ADDR = 8;
        public static final int SIZEOF = 24;
        private Addr6Key() {}
    }

    /** struct bin_path_key (bin_names) */
    public static final class BinPathKey {
        public static final int PATH = 0;
        public static final int SIZEOF = 256;
        private BinPathKey() {}
    }

    /** struct bin_lpm_key (bin_prefix, bin_postfix) */
    public static final class BinLpmKey {
        public static final int PREFIXLEN = 0;
        public static final int PATH = 4;
        public static final int SIZEOF = 260;
        private BinLpmKey() {}
    }

    /** struct msg_sockaddr */
    public static final class Sockaddr {
        public static final int FAMILY = 0;
        public static final int TYPE = 2;
        public static final int PROTOCOL = 4;
        public static final int STATE = 6;
        public static final int SPORT = 8;
        public static final int DPORT = 10;
        public static final int SADDR = 16;
        public static final int DADDR = 32;
        public static final int SIZEOF = 48;
        private Sockaddr() {}
    }

    /** struct msg_gen_cred */
    public static final class GenCred {
        public static final int UID = 0;
        public static final int GID = 4;
        public static final int SUID = 8;
        public static final int SGID = 12;
        public static final int EUID = 16;
        public static final int EGID = 20;
        public static final int FSUID = 24;
        public static final int FSGID = 28;
        public static final int CAP_EFFECTIVE = 32;
        public static final int CAP_PERMITTED = 40;
        public static final int SIZEOF = 48;
        private GenCred() {}
    }

    /** struct msg_gen_bpf_attr: a bpf_attr argument (the program BPF_PROG_LOAD loads). */
    public static final class GenBpfAttr {
        public static final int PROG_TYPE = 0;
        public static final int INSN_CNT = 4;
        public static final int PROG_NAME = 8;
        public static final int SIZEOF = 24;
        private GenBpfAttr() {}
    }

    /** struct msg_gen_bpf_map: a bpf_map argument. */
    public static final class GenBpfMap {
        public static final int MAP_TYPE = 0;
        public static final int KEY_SIZE = 4;
        public static final int VALUE_SIZE = 8;
        public static final int MAX_ENTRIES = 12;
        public static final int MAP_NAME = 16;
        public static final int SIZEOF = 32;
        private GenBpfMap() {}
    }

    /** struct msg_gen_user_ns: a user_namespace argument. */
    public static final class GenUserNs {
        public static final int LEVEL = 0;
        public static final int UID = 4;
        public static final int GID = 8;
        public static final int INUM = 12;
        public static final int SIZEOF = 16;
        private GenUserNs() {}
    }

    /** struct msg_gen_module: a module argument. */
    public static final class GenModule {
        public static final int TAINTS = 0;
        public static final int NAME = 8;
        public static final int SIZEOF = 64;
        private GenModule() {}
    }

    /** struct msg_gen_perf_event: a perf_event argument. */
    public static final class GenPerfEvent {
        public static final int KPROBE_FUNC = 0;
        public static final int CONFIG = 128;
        public static final int PROBE_OFFSET = 136;
        public static final int TYPE = 144;
        public static final int SIZEOF = 152;
        private GenPerfEvent() {}
    }

    /** struct msg_generic, followed by nargs (struct msg_gen_arg + len bytes) */
    public static final class MsgGeneric {
        public static final int PROCESS = 16;
        public static final int TID = 32;
        public static final int HOOK_ID = 36;
        public static final int RET = 40;
        public static final int SELECTOR = 48;
        public static final int NARGS = 49;
        public static final int FLAGS = 50;
        public static final int ACTIONS = 52;
        public static final int SIZEOF = 56;
        private MsgGeneric() {}
    }

    /** struct msg_gen_arg */
    public static final class MsgArg {
        public static final int LEN = 0;
        public static final int FLAGS = 4;
        public static final int SIZEOF = 8;
        private MsgArg() {}
    }
}

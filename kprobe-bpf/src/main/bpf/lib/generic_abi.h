/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The contract between a compiled tracing policy and the generic hook sensors
 * (bpf_generic_tp.c, bpf_generic_kprobe.c, bpf_generic_fentry.c).
 *
 * Java side: kprobe-bpf/src/main/java/io/vigil/bpf/wire/GenericAbi.java (constants, offsets);
 * the encoder that fills these structs is io.vigil.agent.policy.compile (a pure function with
 * golden tests). StructLayoutTest checks every struct here against GenericAbi.
 *
 * One hook of one policy = one load of a generic object. Java writes the hook's gen_config into
 * the object's gen_config map (array, key 0) and the selector values into its value maps, then
 * attaches. events, vigil_stats and execve_map are reused from the base sensors.
 *
 * Semantics (Tetragon's): selectors are tried in order, the first whose filters all match
 * (AND) decides the actions; a hook without selectors posts every call; a hook with selectors
 * where none matches posts nothing. Padding is explicit everywhere.
 */
#ifndef VIGIL_GENERIC_ABI_H
#define VIGIL_GENERIC_ABI_H

#define VIGIL_GEN_MAX_ARGS 5         /* args[] of a hook (Tetragon: EventConfigMaxArgs) */
#define VIGIL_GEN_MAX_SELECTORS 5    /* selectors of a hook */
#define VIGIL_GEN_MAX_FILTERS 5      /* matchArgs + matchReturnArgs of one selector */
#define VIGIL_GEN_MAX_VALUES 4       /* inline values of one filter */
#define VIGIL_GEN_MAX_PIDS 4         /* values of one matchPIDs */
#define VIGIL_GEN_MAX_NS 10          /* matchNamespaces filters of one selector */
#define VIGIL_GEN_MAX_NS_VALUES 4    /* values of one matchNamespaces filter */
#define VIGIL_GEN_STR_KEY 256        /* bytes of a string compared by Equal (NUL excluded: 255 usable) */
#define VIGIL_GEN_PREFIX_KEY 252     /* leading bytes compared by Prefix (an LPM key holds 256 bytes after prefixlen, set_id takes 4) */
#define VIGIL_GEN_POSTFIX_KEY 128    /* trailing bytes compared by Postfix */
#define VIGIL_GEN_ARG_BYTES 4096     /* bytes of one string/char_buf/path argument in an event */
#define VIGIL_GEN_SLOT_RETURN 5      /* gen_filter.slot of a matchReturnArgs filter: the return value */
#define VIGIL_BIN_MAX_BITS 64        /* matchBinaries filters over all loaded policies */
#define VIGIL_GEN_RESOLVE_STEPS 8     /* members of one resolve path (Tetragon's resolve: "mm.owner.comm") */

/* gen_arg.type and gen_config.ret_type: how to read and send a value. Java: GenericAbi.ArgType */
enum vigil_gen_type {
	VIGIL_GEN_TYPE_NONE = 0,
	VIGIL_GEN_TYPE_S32 = 1,          /* int, int32, sint32 */
	VIGIL_GEN_TYPE_U32 = 2,          /* uint32 */
	VIGIL_GEN_TYPE_S64 = 3,          /* int64, long, sint64 */
	VIGIL_GEN_TYPE_U64 = 4,          /* uint64, ulong, syscall64 */
	VIGIL_GEN_TYPE_SIZE_T = 5,       /* size_t: sent as u64, filtered as s32 (Tetragon) */
	VIGIL_GEN_TYPE_S8 = 6,
	VIGIL_GEN_TYPE_U8 = 7,
	VIGIL_GEN_TYPE_S16 = 8,
	VIGIL_GEN_TYPE_U16 = 9,
	VIGIL_GEN_TYPE_STRING = 10,      /* NUL-terminated char * */
	VIGIL_GEN_TYPE_CHAR_BUF = 11,    /* char * of size_src bytes (or the return value) */
	VIGIL_GEN_TYPE_FD = 12,          /* int fd, resolved to its file's path in the kernel (at entry for return hooks) */
	VIGIL_GEN_TYPE_FILE = 13,        /* struct file * -> path */
	VIGIL_GEN_TYPE_PATH = 14,        /* struct path * -> path */
	VIGIL_GEN_TYPE_LINUX_BINPRM = 15,/* struct linux_binprm * -> bprm->file's path */
	VIGIL_GEN_TYPE_SOCK = 16,        /* struct sock * -> struct msg_sockaddr */
	VIGIL_GEN_TYPE_SOCKET = 17,      /* struct socket * -> its sk -> struct msg_sockaddr */
	VIGIL_GEN_TYPE_SKB = 18,         /* struct sk_buff * -> struct msg_sockaddr (IP + L4 header) */
	VIGIL_GEN_TYPE_SOCKADDR = 19,    /* struct sockaddr * (user memory for syscalls) -> msg_sockaddr: its
	                                  * one address in daddr/dport, which SAddr/SPort filters compare too */
	VIGIL_GEN_TYPE_CRED = 20,        /* struct cred * -> struct msg_gen_cred */
	VIGIL_GEN_TYPE_CAP = 21,         /* int capability number, sent as s32 */
	VIGIL_GEN_TYPE_CAP_SET = 22,     /* kernel_cap_t / cap_* : u64 */
	VIGIL_GEN_TYPE_NOP = 23,         /* declared, not read */
	VIGIL_GEN_TYPE_DENTRY = 24,      /* struct dentry * -> its path within its filesystem (no mount to cross) */
	VIGIL_GEN_TYPE_KIOCB = 25,       /* struct kiocb * -> ki_filp's path */
	VIGIL_GEN_TYPE_NET_DEVICE = 26,  /* struct net_device * -> its name (IFNAMSIZ bytes at most) */
	VIGIL_GEN_TYPE_BPF_ATTR = 27,    /* union bpf_attr * (kernel copy, BPF_PROG_LOAD) -> struct msg_gen_bpf_attr */
	VIGIL_GEN_TYPE_BPF_MAP = 28,     /* struct bpf_map * -> struct msg_gen_bpf_map */
	VIGIL_GEN_TYPE_USER_NS = 29,     /* struct user_namespace * -> struct msg_gen_user_ns */
	VIGIL_GEN_TYPE_MODULE = 30,      /* struct module * -> struct msg_gen_module */
	VIGIL_GEN_TYPE_PERF_EVENT = 31,  /* struct perf_event * -> struct msg_gen_perf_event */
	VIGIL_GEN_TYPE_IOV_ITER = 32,    /* struct iov_iter * -> the bytes of its first user segment (ITER_UBUF, ITER_IOVEC),
	                                  * at most VIGIL_GEN_ARG_BYTES, as char_buf */
};

/* gen_arg.flags. Java: GenericAbi.ArgFlag */
enum vigil_gen_arg_flags {
	VIGIL_GEN_ARG_USER = 0x01,        /* the pointer is user memory (syscall arguments) */
	VIGIL_GEN_ARG_RETURN_COPY = 0x02, /* read the buffer at return (e.g. read(2)'s buffer) */
	VIGIL_GEN_ARG_MAX_DATA = 0x04,    /* char_buf: allow up to VIGIL_GEN_ARG_BYTES (else 4096 anyway) */
	VIGIL_GEN_ARG_SIZE_RETURN = 0x08, /* char_buf: the size is the return value */
	/* A kernel function served by a tracepoint (io.vigil.agent.policy.plan.TracepointEquivalents):
	 * its argument is a constant of that tracepoint, the call's return value, or an fd's object. */
	VIGIL_GEN_ARG_CONST = 0x10,       /* the value is ctx_off itself (security_file_permission's mask on sys_enter_read) */
	VIGIL_GEN_ARG_FROM_RET = 0x20,    /* the value is the return value, taken at return (the fd openat returns);
	                                   * with FD/FROM_FD resolved then, not at entry */
	VIGIL_GEN_ARG_FROM_FD = 0x40,     /* the value read is an fd: a file argument is its struct file *, a socket
	                                   * argument the file's struct socket *, a sock argument that socket's sk */
	VIGIL_GEN_ARG_CTX_TUPLE = 0x80,   /* sock/socket/sockaddr: the tuple of the cgroup sock_addr context
	                                   * (bpf_generic_sockaddr.c: family, type, protocol, local end, peer) */
};

/* One argument to read. 12 bytes. */
struct gen_arg {
	__u8 type;          /*  0: enum vigil_gen_type */
	__u8 flags;         /*  1: enum vigil_gen_arg_flags */
	__u8 src;           /*  2: kprobe/fentry: function argument position 0..5 */
	__u8 size_src;      /*  3: char_buf: 1 + position of the size argument; 0 = none */
	__u16 ctx_off;      /*  4: tracepoint: byte offset of the field in the tracepoint record */
	__u16 size_ctx_off; /*  6: tracepoint: offset of the size field */
	__u8 ctx_size;      /*  8: tracepoint: size of the field (1, 2, 4 or 8) */
	__u8 size_ctx_size; /*  9 */
	__u16 pad;          /* 10 */
};                      /* 12 */

/* A field path followed from an argument before it is read (the policy's resolve, compiled from
 * the host's BTF by io.vigil.agent.btf). p = the argument; for each step but the last,
 * p = *(u64 *)(p + off[k]) (a pointer member); then the value is at p + off[nsteps - 1]:
 * a string type reads a char array there, an integer type reads size bytes. 36 bytes.
 * Java: GenericAbi.Resolve */
enum vigil_gen_resolve_base {
	VIGIL_GEN_RESOLVE_ARG = 0,     /* p starts as the argument */
	VIGIL_GEN_RESOLVE_TASK = 1,    /* p starts as the current task: linux_binprm.mm on sched_process_exec, where
	                                * exec_mmap has moved bprm->mm to current->mm (and cleared bprm->mm) */
};
struct gen_resolve {
	__u8 nsteps;        /*  0: 0..VIGIL_GEN_RESOLVE_STEPS */
	__u8 size;          /*  1: integer result: bytes to read (1, 2, 4, 8); 0 for a string */
	__u8 base;          /*  2: enum vigil_gen_resolve_base */
	__u8 pad;           /*  3 */
	__u32 off[VIGIL_GEN_RESOLVE_STEPS]; /* 4: byte offset of each member in its struct */
};                      /* 36 */

/* gen_filter.op. Values compare as the argument's type says (signed or unsigned). Java: GenericAbi.Op */
enum vigil_gen_op {
	VIGIL_GEN_OP_EQ = 1,            /* integers: any inline value equals; strings/paths: {set_id, string} in gen_str_eq */
	VIGIL_GEN_OP_NEQ = 2,           /* negation of EQ */
	VIGIL_GEN_OP_PREFIX = 3,        /* {set_id, string} has a prefix in gen_prefix */
	VIGIL_GEN_OP_NOT_PREFIX = 4,
	VIGIL_GEN_OP_POSTFIX = 5,       /* {set_id, reversed last 128 bytes} has a prefix in gen_postfix */
	VIGIL_GEN_OP_NOT_POSTFIX = 6,
	VIGIL_GEN_OP_GT = 7,            /* value > any inline value */
	VIGIL_GEN_OP_LT = 8,            /* value < any inline value */
	VIGIL_GEN_OP_MASK = 9,          /* value & any inline value != 0 */
	VIGIL_GEN_OP_IN_SET = 10,       /* {set_id, value} in gen_int_set (InMap) */
	VIGIL_GEN_OP_NOT_IN_SET = 11,
	VIGIL_GEN_OP_SADDR = 12,        /* source address in {set_id, CIDR} of gen_addr4/gen_addr6 */
	VIGIL_GEN_OP_NOT_SADDR = 13,
	VIGIL_GEN_OP_DADDR = 14,
	VIGIL_GEN_OP_NOT_DADDR = 15,
	VIGIL_GEN_OP_SPORT = 16,        /* source port in {set_id, port} of gen_int_set */
	VIGIL_GEN_OP_NOT_SPORT = 17,
	VIGIL_GEN_OP_DPORT = 18,
	VIGIL_GEN_OP_NOT_DPORT = 19,
	VIGIL_GEN_OP_SPORT_PRIV = 20,   /* source port < 1024 */
	VIGIL_GEN_OP_NOT_SPORT_PRIV = 21,
	VIGIL_GEN_OP_DPORT_PRIV = 22,
	VIGIL_GEN_OP_NOT_DPORT_PRIV = 23,
	VIGIL_GEN_OP_PROTOCOL = 24,     /* L4 protocol equals any inline value */
	VIGIL_GEN_OP_FAMILY = 25,       /* address family equals any inline value */
	VIGIL_GEN_OP_STATE = 26,        /* socket state equals any inline value */
	VIGIL_GEN_OP_IN_RANGE = 27,     /* vals[2i] <= value <= vals[2i+1] for some i */
	VIGIL_GEN_OP_NOT_IN_RANGE = 28,
};

/* One matchArgs or matchReturnArgs filter. 40 bytes. */
struct gen_filter {
	__u8 slot;          /*  0: position in args[] (0..4), or VIGIL_GEN_SLOT_RETURN */
	__u8 op;            /*  1: enum vigil_gen_op */
	__u8 nvals;         /*  2: inline values used */
	__u8 pad;           /*  3 */
	__u32 set_id;       /*  4: key prefix in the value maps, unique per filter within the hook */
	__u64 vals[VIGIL_GEN_MAX_VALUES]; /* 8 */
};                      /* 40 */

/* One matchNamespaces filter: the task's namespace inode of this type is (not) one of vals. 24 bytes. */
struct gen_ns_filter {
	__u8 type;          /*  0: enum vigil_gen_ns_type */
	__u8 op;            /*  1: VIGIL_GEN_SET_IN or _NOT_IN */
	__u8 nvals;         /*  2 */
	__u8 pad;           /*  3 */
	__u32 vals[VIGIL_GEN_MAX_NS_VALUES]; /* 4: namespace inode numbers ("host_ns" resolved by Java) */
	__u32 pad2;         /* 20 */
};                      /* 24 */

/* Java: GenericAbi.NsType */
enum vigil_gen_ns_type {
	VIGIL_GEN_NS_UTS = 0,
	VIGIL_GEN_NS_IPC = 1,
	VIGIL_GEN_NS_MNT = 2,
	VIGIL_GEN_NS_PID = 3,
	VIGIL_GEN_NS_PID_FOR_CHILDREN = 4,
	VIGIL_GEN_NS_NET = 5,
	VIGIL_GEN_NS_TIME = 6,
	VIGIL_GEN_NS_TIME_FOR_CHILDREN = 7,
	VIGIL_GEN_NS_CGROUP = 8,
	VIGIL_GEN_NS_USER = 9,
};

/* In/NotIn of matchPIDs, matchNamespaces, matchCapabilities, matchBinaries. Java: GenericAbi.SetOp */
enum vigil_gen_set_op {
	VIGIL_GEN_SET_NONE = 0,   /* no such filter in this selector */
	VIGIL_GEN_SET_IN = 1,
	VIGIL_GEN_SET_NOT_IN = 2,
};

/* gen_selector.pid_flags. Java: GenericAbi.PidFlag */
enum vigil_gen_pid_flags {
	VIGIL_GEN_PID_FOLLOW_FORKS = 0x01,  /* descendants of a listed pid match too */
	VIGIL_GEN_PID_NAMESPACE = 0x02,     /* compare the pid as seen in the task's own pid namespace */
};

/* gen_selector.cap_type. Java: GenericAbi.CapType */
enum vigil_gen_cap_type {
	VIGIL_GEN_CAP_EFFECTIVE = 0,
	VIGIL_GEN_CAP_INHERITABLE = 1,
	VIGIL_GEN_CAP_PERMITTED = 2,
};

/* gen_selector.actions, a bit set; an event is posted unless NOPOST is set. Java: GenericAbi.Action */
enum vigil_gen_action {
	VIGIL_GEN_ACT_POST = 0x01,
	VIGIL_GEN_ACT_NOPOST = 0x02,
	VIGIL_GEN_ACT_SIGKILL = 0x04,        /* issue 4 */
	VIGIL_GEN_ACT_OVERRIDE = 0x08,       /* issue 4: return arg_error instead of running the call */
	VIGIL_GEN_ACT_SIGNAL = 0x10,         /* issue 4: send arg_sig */
	VIGIL_GEN_ACT_NOTIFY_ENFORCER = 0x20,/* issue 4 */
	VIGIL_GEN_ACT_GETURL = 0x40,         /* posted; the agent makes an HTTP GET to the selector's argUrl */
	VIGIL_GEN_ACT_DNSLOOKUP = 0x80,      /* posted; the agent resolves the selector's argFqdn */
	VIGIL_GEN_ACT_TRACKSOCK = 0x100,     /* socktrack[sock of argument arg_sock] = current (lib/socktrack.h) */
	VIGIL_GEN_ACT_UNTRACKSOCK = 0x200,   /* delete socktrack[sock of argument arg_sock] */
};

/* gen_selector.rate_scope. Java: GenericAbi.RateScope */
enum vigil_gen_rate_scope {
	VIGIL_GEN_RATE_THREAD = 0,
	VIGIL_GEN_RATE_PROCESS = 1,
	VIGIL_GEN_RATE_GLOBAL = 2,
};

/* One selector. 520 bytes. */
struct gen_selector {
	__u8 nfilters;      /*   0: filters[] used */
	__u8 bin_op;        /*   1: enum vigil_gen_set_op on bit bin_bit of the process's bin_bits */
	__u8 bin_bit;       /*   2: 0..63 */
	__u8 pbin_op;       /*   3: matchParentBinaries: the same on the parent's bin_bits */
	__u8 pbin_bit;      /*   4 */
	__u8 pid_op;        /*   5: enum vigil_gen_set_op */
	__u8 pid_flags;     /*   6: enum vigil_gen_pid_flags */
	__u8 npids;         /*   7 */
	__u32 pids[VIGIL_GEN_MAX_PIDS]; /* 8 */
	__u8 cap_op;        /*  24: enum vigil_gen_set_op: In = any bit of cap_mask is set */
	__u8 cap_type;      /*  25: enum vigil_gen_cap_type */
	__u8 cap_ns;        /*  26: 1 = isNamespaceCapability (only when not in the initial user namespace) */
	__u8 nns;           /*  27: ns[] used */
	__u8 rate_scope;    /*  28: enum vigil_gen_rate_scope */
	__u8 pad[3];        /*  29 */
	__u64 cap_mask;     /*  32 */
	__u32 actions;      /*  40: enum vigil_gen_action bits */
	__s32 arg_error;    /*  44: Override's return value */
	__u32 arg_sig;      /*  48: Signal's signal */
	__u32 arg_sock;     /*  52: TrackSock/UntrackSock's argument index (a sock or socket argument) */
	__u64 rate_ns;      /*  56: Post rateLimit; 0 = none */
	struct gen_ns_filter ns[VIGIL_GEN_MAX_NS];    /*  64 */
	struct gen_filter filters[VIGIL_GEN_MAX_FILTERS]; /* 304 */
	/* matchCapabilityChanges (lib/cap_changes.h): the caps of cap_type differ from those at exec */
	__u8 capc_op;       /* 504: enum vigil_gen_set_op: In = a bit of capc_mask changed */
	__u8 capc_type;     /* 505: enum vigil_gen_cap_type */
	__u8 capc_ns;       /* 506: 1 = isNamespaceCapability */
	__u8 pad3[5];       /* 507 */
	__u64 capc_mask;    /* 512 */
};                      /* 520 */

/* gen_config.flags. Java: GenericAbi.HookFlag */
enum vigil_gen_hook_flags {
	VIGIL_GEN_HOOK_RETURN = 0x01,          /* emit at return (stash at entry), with the return value */
	VIGIL_GEN_HOOK_SYSCALL_WRAPPER = 0x02, /* kprobe on __x64_sys_*: arguments are in the inner pt_regs */
	VIGIL_GEN_HOOK_MONITOR = 0x04,         /* policy-mode monitor: enforcement actions are reported, not done */
	VIGIL_GEN_HOOK_SYSCALL_TP = 0x08,      /* tracepoint backend for a syscall: sys_enter_X / sys_exit_X */
	VIGIL_GEN_HOOK_TRACK_SOCK = 0x10,      /* returnArgAction TrackSock: socktrack[returned sock] = current */
	VIGIL_GEN_HOOK_UNTRACK_SOCK = 0x20,    /* returnArgAction UntrackSock: delete socktrack[returned sock] */
	VIGIL_GEN_HOOK_MEMBER = 0x40,          /* tail-called by a dispatcher (bpf_generic_dispatch.c): chains on */
};

/* A hook's whole configuration, gen_config[0]. 16 + 60 + 4 + 5 * 520 + 5 * 36 + 4 = 2864 bytes. */
struct gen_config {
	__u32 hook_id;      /*  0: Java's id of (policy, hook), echoed in every msg_generic */
	__u32 flags;        /*  4: enum vigil_gen_hook_flags */
	__u8 nargs;         /*  8 */
	__u8 nselectors;    /*  9: 0 = post every call */
	__u8 ret_type;      /* 10: enum vigil_gen_type of the return value; NONE without return */
	__u8 pad;           /* 11 */
	__u16 ret_ctx_off;  /* 12: tracepoint backend: offset of ret in sys_exit's record (16) */
	__u16 pad2;         /* 14 */
	struct gen_arg args[VIGIL_GEN_MAX_ARGS]; /* 16 */
	__u32 pad3;         /* 76 */
	struct gen_selector sel[VIGIL_GEN_MAX_SELECTORS]; /* 80 */
	/* Appended after sel so that no older offset moves. */
	struct gen_resolve resolve[VIGIL_GEN_MAX_ARGS]; /* 2680: per args[] slot; nsteps 0 = read the argument itself */
	__u32 pad4;         /* 2860 */
};                      /* 2864 */

/* One program per syscall enter tracepoint (bpf_generic_dispatch.c, lib/generic_dispatch.h). Java:
 * GenericAbi.DispatchConfig, DispatchState, GateKey; the gate entries: io.vigil.bpf.generic.GateEncoder. */
#define VIGIL_GEN_DISPATCH_SLOTS 32  /* members of one dispatcher: a chain of 32 tail calls, the kernel allows 33 */
#define VIGIL_GEN_GATE_KEY 256       /* bytes of the gate string in a key, NUL included (LPM data is capped at 256) */
#define VIGIL_GEN_GATE_HEADS 16      /* heads tested before the string is read: one compare each */

struct gen_gate_head {                /* a gate key's first bytes: (8 bytes of the string & mask) == val. 16 bytes */
	__u64 val;                       /*  0: the key's first min(8, len) bytes, little endian, the rest 0 */
	__u64 mask;                      /*  8: 0xff for each of those bytes */
};
struct gen_dispatch_config {         /* gen_dispatch_config[0] of a dispatcher. 272 bytes */
	__u32 members;                   /*  0: slots of gen_dispatch_progs holding a member */
	__u32 always;                    /*  4: members run on every call (not gated) */
	__u16 gate_ctx_off;              /*  8: offset in the tracepoint record of the gate string's user pointer */
	__u8 gate;                       /* 10: 1 = read the gate and look it up in gen_gate; 0 = no gated member */
	__u8 nheads;                     /* 11: heads in use; 0 = none: always read the string. A string whose first
	                                  *     8 bytes match no head matches no gen_gate key (GateEncoder.heads) */
	__u32 pad;                       /* 12 */
	struct gen_gate_head heads[VIGIL_GEN_GATE_HEADS]; /* 16: in the config's own value: no other page to touch */
};
struct gen_dispatch_state {          /* gen_dispatch_state[0], per CPU: the chain of one call. 16 bytes */
	__u64 pid_tgid;                  /*  0: the thread the chain runs for */
	__u32 pending;                   /*  8: members still to run, lowest slot first */
	__u32 pad;                       /* 12 */
};
struct gen_gate_key {                /* gen_gate (LPM trie) -> __u32 mask of member slots. 260 bytes */
	__u32 prefixlen;                 /* bits: 8 * bytes; an Equal value's bytes include its NUL */
	char str[VIGIL_GEN_GATE_KEY];
};

/* Keys of the per-hook value maps. Java writes them; the sensors build the same bytes to look up. */
struct gen_str_key {                 /* gen_str_eq (hash): exact strings. 264 bytes */
	__u32 set_id;
	__u32 len;                       /* bytes used in str; the rest is zero */
	char str[VIGIL_GEN_STR_KEY];
};
struct gen_lpm_str_key {             /* gen_prefix, gen_postfix (LPM trie). 260 bytes */
	__u32 prefixlen;                 /* bits: 32 (set_id) + 8 * bytes of the stored prefix */
	__u32 set_id;
	char str[VIGIL_GEN_PREFIX_KEY];  /* gen_postfix: the string reversed. The kernel caps LPM data at 256 bytes */
};
struct gen_int_key {                 /* gen_int_set (hash): InMap values, ports. 16 bytes */
	__u32 set_id;
	__u32 pad;
	__u64 val;
};
struct gen_addr4_key {               /* gen_addr4 (LPM trie). 12 bytes */
	__u32 prefixlen;                 /* 32 + CIDR bits */
	__u32 set_id;
	__u8 addr[4];                    /* network byte order */
};
struct gen_addr6_key {               /* gen_addr6 (LPM trie). 24 bytes */
	__u32 prefixlen;
	__u32 set_id;
	__u8 addr[16];
};

/* Global, in the base exec sensor: which matchBinaries filters a binary path satisfies.
 * Value: u64 bit set over VIGIL_BIN_MAX_BITS bits, allocated by Java per matchBinaries filter.
 * bin_prefix/bin_postfix entries carry the union of the bits of every shorter stored prefix,
 * so the longest match answers for all. Also there (lib/binaries.h): bin_follow (array[1], u64:
 * followChildren bits, kept across exec) and bin_alloc (array[1], u64: every allocated bit; 0
 * lets exec skip the lookups). A fork inherits the parent's bin_bits whole (same binary).
 * Java: io.vigil.bpf.generic.BinaryTables. */
struct bin_path_key {                /* bin_names (hash). 256 bytes, zero-padded */
	char path[VIGIL_GEN_STR_KEY];
};
struct bin_lpm_key {                 /* bin_prefix, bin_postfix (LPM trie). 260 bytes */
	__u32 prefixlen;                 /* 8 * bytes */
	char path[VIGIL_GEN_STR_KEY];    /* bin_postfix: reversed */
};

/* Socket tuple sent for sock, socket, skb and sockaddr arguments. 48 bytes. */
struct msg_sockaddr {
	__u16 family;       /*  0: AF_INET, AF_INET6, AF_UNIX ... */
	__u16 type;         /*  2: SOCK_STREAM ... (0 when unknown) */
	__u16 protocol;     /*  4: IPPROTO_TCP ... */
	__u16 state;        /*  6: TCP state (sock only) */
	__u16 sport;        /*  8: host byte order */
	__u16 dport;        /* 10: host byte order */
	__u32 pad;          /* 12 */
	__u8 saddr[16];     /* 16: IPv4 in the first 4 bytes */
	__u8 daddr[16];     /* 32 */
};                      /* 48 */

/* Credentials sent for a cred argument. 48 bytes. */
struct msg_gen_cred {
	__u32 uid, gid, suid, sgid, euid, egid, fsuid, fsgid; /* 0..28 */
	__u64 cap_effective;   /* 32 */
	__u64 cap_permitted;   /* 40 */
};                         /* 48 */

/* Sent for a bpf_attr argument: the program being loaded. 24 bytes. Java: GenericAbi.GenBpfAttr */
struct msg_gen_bpf_attr {
	__u32 prog_type;       /*  0: enum bpf_prog_type */
	__u32 insn_cnt;        /*  4 */
	char prog_name[16];    /*  8: BPF_OBJ_NAME_LEN, NUL-padded */
};                         /* 24 */

/* Sent for a bpf_map argument. 32 bytes. Java: GenericAbi.GenBpfMap */
struct msg_gen_bpf_map {
	__u32 map_type;        /*  0: enum bpf_map_type */
	__u32 key_size;        /*  4 */
	__u32 value_size;      /*  8 */
	__u32 max_entries;     /* 12 */
	char map_name[16];     /* 16: BPF_OBJ_NAME_LEN, NUL-padded */
};                         /* 32 */

/* Sent for a user_namespace argument. 16 bytes. Java: GenericAbi.GenUserNs */
struct msg_gen_user_ns {
	__s32 level;           /*  0: 0 = the initial user namespace */
	__u32 uid;             /*  4: owner, as the initial namespace sees it */
	__u32 gid;             /*  8: group */
	__u32 inum;            /* 12: ns.inum; Java compares it with the initial namespace's for is_host */
};                         /* 16 */

/* Sent for a module argument (Tetragon's module_arg: name and taints; signature_ok comes from
 * load_info only). 64 bytes. Java: GenericAbi.GenModule */
struct msg_gen_module {
	__u64 taints;          /*  0: the module's TAINT_* bits (1 << TAINT_OOT_MODULE ...) */
	char name[56];         /*  8: MODULE_NAME_LEN, NUL-terminated */
};                         /* 64 */

/* Sent for a perf_event argument (Tetragon's perf_event_arg). kprobe_func and probe_offset only
 * for an event of the "kprobe" PMU (attr.config1/config2 mean something else on other PMUs).
 * 152 bytes. Java: GenericAbi.GenPerfEvent */
struct msg_gen_perf_event {
	char kprobe_func[128]; /*   0: KSYM_NAME_LEN, NUL-terminated; empty unless a kprobe event by name */
	__u64 config;          /* 128: attr.config */
	__u64 probe_offset;    /* 136: attr.probe_offset (kprobe events only, else 0) */
	__u32 type;            /* 144: attr.type (PERF_TYPE_*, or the dynamic type of a PMU such as kprobe) */
	__u32 pad;             /* 148 */
};                         /* 152 */

/* VIGIL_MSG_OP_GENERIC: one hook call that a selector posted. Fixed part, then nargs arguments,
 * each a struct msg_gen_arg followed by len bytes (no padding between arguments):
 * integers 8 bytes (sign- or zero-extended), strings/paths/char_buf their bytes without NUL,
 * socket types a struct msg_sockaddr, cred a struct msg_gen_cred, bpf_attr a struct msg_gen_bpf_attr,
 * bpf_map a struct msg_gen_bpf_map, user_namespace a struct msg_gen_user_ns, module a struct
 * msg_gen_module, perf_event a struct msg_gen_perf_event, iov_iter its bytes. */
struct msg_generic {
	struct msg_common common;       /*  0 */
	struct msg_execve_key process;  /* 16 */
	__u32 tid;                      /* 32 */
	__u32 hook_id;                  /* 36 */
	__s64 ret;                      /* 40: return value (hooks with VIGIL_GEN_HOOK_RETURN) */
	__u8 selector;                  /* 48: index of the selector that matched; 0xff: no selectors */
	__u8 nargs;                     /* 49 */
	__u16 flags;                    /* 50: enum vigil_gen_msg_flags */
	__u32 actions;                  /* 52: actions taken (enum vigil_gen_action) */
};                                  /* 56 */

/* msg_generic.flags. Java: GenericAbi.MsgFlag */
enum vigil_gen_msg_flags {
	VIGIL_GEN_MSG_RETURN = 0x01,        /* ret is set */
	VIGIL_GEN_MSG_MONITORED = 0x02,     /* an enforcement action was due but the policy is in monitor mode */
};

/* Per argument in msg_generic. 8 bytes. */
struct msg_gen_arg {
	__u32 len;          /* bytes that follow */
	__u32 flags;        /* enum vigil_gen_arg_msg_flags */
};

enum vigil_gen_arg_msg_flags {
	VIGIL_GEN_ARGMSG_TRUNCATED = 0x01,  /* the value was longer than what was copied */
	VIGIL_GEN_ARGMSG_ERROR = 0x02,      /* could not be read (fault, closed fd ...); len is 0 */
};

#endif

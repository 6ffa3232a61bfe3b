/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Wire format between the BPF sensors and the Java decoder.
 *
 * Java side: kprobe-bpf/src/main/java/io/vigil/bpf/wire/ (MsgOp, ExecFlags, StatIndex, Layout).
 * Every constant here has an explicit value and appears once on each side; StructLayoutTest
 * compares these structs' BTF (anchored in bpf_probe.c) against the Java offsets. Padding is
 * written out so that no compiler decides it.
 */
#ifndef VIGIL_MSG_H
#define VIGIL_MSG_H

/* Message types, first byte of every ring-buffer record. Java: io.vigil.bpf.wire.MsgOp */
enum vigil_msg_op {
	VIGIL_MSG_OP_EXEC = 1,
	VIGIL_MSG_OP_EXIT = 2,
	VIGIL_MSG_OP_CLONE = 3,
	VIGIL_MSG_OP_GENERIC = 4,  /* struct msg_generic (generic_abi.h): a policy hook fired */
	VIGIL_MSG_OP_ASSET = 5,    /* struct msg_asset (asset_abi.h): a model-theft guard decision */
	VIGIL_MSG_OP_DNS = 6,      /* struct msg_dns (asset_abi.h): a DNS answer for the FQDN allow list */
	VIGIL_MSG_OP_BENCH = 100,
};

/* Per-process flags, msg_exec.flags. Java: io.vigil.bpf.wire.ExecFlags */
enum vigil_exec_flags {
	VIGIL_EXEC_FLAG_EXECVE = 0x01,       /* seen by the exec sensor */
	VIGIL_EXEC_FLAG_PROCFS = 0x02,       /* read from /proc at start-up (set by Java only) */
	VIGIL_EXEC_FLAG_CLONE = 0x04,        /* entry created by the fork sensor */
	VIGIL_EXEC_FLAG_TRUNC_ARGS = 0x08,   /* argv longer than VIGIL_ARGS_MAX */
	VIGIL_EXEC_FLAG_TRUNC_PATH = 0x10,   /* binary path deeper than VIGIL_PATH_DEPTH */
	VIGIL_EXEC_FLAG_ERROR_CWD = 0x20,    /* cwd could not be read */
	VIGIL_EXEC_FLAG_PARENT_GUESSED = 0x40, /* parent not in execve_map: key built from its start time */
	VIGIL_EXEC_FLAG_TRUNC_CWD = 0x80,    /* cwd deeper than VIGIL_PATH_DEPTH */
};

/* Indexes of the per-CPU counters in the vigil_stats map. Java: io.vigil.bpf.wire.StatIndex */
enum vigil_stat_index {
	VIGIL_STAT_EVENTS_SENT = 0,       /* records written to the ring buffer */
	VIGIL_STAT_RINGBUF_FULL = 1,      /* records lost: bpf_ringbuf_output failed */
	VIGIL_STAT_EXECVE_MAP_FULL = 2,   /* execve_map insert failed */
	VIGIL_STAT_PARENT_MISSING = 3,    /* parent not in execve_map */
	VIGIL_STAT_HEAP_MISS = 4,         /* per-CPU scratch unavailable */
	VIGIL_STAT_GEN_RATE_LIMITED = 5,  /* generic hook: a post suppressed by rateLimit */
	VIGIL_STAT_GEN_NO_ENTRY = 6,      /* generic return hook: entry not stashed (stash full) or not found */
	VIGIL_STAT_GEN_TRUNCATED = 7,     /* generic hook: arguments dropped, the event was full */
	VIGIL_STAT_GEN_DISPATCH_LOST = 8, /* dispatch chain cut: another thread took this CPU's dispatch state */
	VIGIL_STAT_MAX = 9,
};

#define VIGIL_PATH_MAX 4096    /* bytes of a resolved path, binary or cwd */
#define VIGIL_PATH_DEPTH 32    /* dentry components walked per path */
#define VIGIL_ARGS_MAX 1024    /* bytes of argv copied per exec */

/* Common header of every record. 16 bytes. */
struct msg_common {
	__u8 op;        /* enum vigil_msg_op */
	__u8 pad0;
	__u16 pad1;
	__u32 size;     /* total record size in bytes, header included */
	__u64 ktime;    /* bpf_ktime_get_boot_ns() when the record was made */
};

/* Identity of one process incarnation: tgid plus the boot-clock time of its exec (or fork).
 * This is what Tetragon's exec_id encodes. 16 bytes. */
struct msg_execve_key {
	__u32 pid;
	__u8 pad[4];
	__u64 ktime;
};

/* Credentials at exec. 24 bytes. */
struct msg_cred {
	__u32 uid;
	__u32 euid;
	__u32 gid;
	__u32 egid;
	__u32 auid;     /* loginuid; 4294967295 when unset */
	__u32 pad;
};

/* VIGIL_MSG_OP_EXEC: fixed part (104 bytes) followed by data[]:
 * binary (binary_len bytes), argv (args_len bytes, NUL-separated, argv[0] included),
 * cwd (cwd_len bytes). No terminating NULs are counted in the lengths. */
struct msg_exec {
	struct msg_common common;       /*  0 */
	struct msg_execve_key process;  /* 16 */
	struct msg_execve_key parent;   /* 32 */
	struct msg_cred cred;           /* 48 */
	__u32 tid;                      /* 72 */
	__u32 flags;                    /* 76: enum vigil_exec_flags */
	__u64 cgroup_id;                /* 80: cgroup v2 id */
	__u32 binary_len;               /* 88 */
	__u32 args_len;                 /* 92 */
	__u32 cwd_len;                  /* 96 */
	__u32 pad;                      /* 100 */
};                                  /* 104 */

/* VIGIL_MSG_OP_CLONE: a new thread group (fork/clone without CLONE_THREAD). 56 bytes. */
struct msg_clone {
	struct msg_common common;       /*  0 */
	struct msg_execve_key process;  /* 16: child tgid, fork time */
	struct msg_execve_key parent;   /* 32: the parent's current key */
	__u32 tid;                      /* 48 */
	__u32 flags;                    /* 52 */
};                                  /* 56 */

/* VIGIL_MSG_OP_EXIT: the last thread of a thread group exited. 48 bytes. */
struct msg_exit {
	struct msg_common common;       /*  0 */
	struct msg_execve_key process;  /* 16 */
	__u32 tid;                      /* 32 */
	__u32 exit_code;                /* 36: task->exit_code, (status << 8) | termsig */
	__u64 pad;                      /* 40 */
};                                  /* 48 */

/* VIGIL_MSG_OP_BENCH: one record of the benchmark-only source (bpf_bench.c). 32 bytes. */
struct msg_bench {
	struct msg_common common;       /*  0 */
	__u32 pid;                      /* 16 */
	__u32 pad;                      /* 20 */
	__u64 seq;                      /* 24 */
};                                  /* 32 */

/* Per-process state kept in the kernel, keyed by tgid. 72 bytes. */
struct execve_map_value {
	struct msg_execve_key key;      /*  0: current incarnation */
	struct msg_execve_key pkey;     /* 16: parent's incarnation */
	__u32 flags;                    /* 32 */
	__u32 pad;                      /* 36 */
	__u64 bin_bits;                 /* 40: matchBinaries filters its binary satisfies (generic_abi.h, bin_names) */
	/* Capabilities at exec (a fork: the parent's; /proc seeds: at start-up), which
	 * matchCapabilityChanges compares the current ones with (lib/cap_changes.h). */
	__u64 cap_effective;            /* 48 */
	__u64 cap_inheritable;          /* 56 */
	__u64 cap_permitted;            /* 64 */
};                                  /* 72 */

#endif

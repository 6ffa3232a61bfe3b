/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Model-theft guard (bpf_asset_guard.c): map layouts and the event record.
 *
 * Java side: io.vigil.bpf.wire.AssetAbi (constants, record offsets) and
 * io.vigil.enforcement.asset.AllowListEncoder (allow-map keys and values). StructLayoutTest checks
 * these structs' BTF (anchored in bpf_probe.c) against the Java offsets. Every constant has an
 * explicit value; padding is written out.
 *
 * A process that read a protected asset is "tainted": asset_taint[tgid] exists. The fanotify
 * guard in the agent writes it before it lets the open through; fork copies it to the child,
 * exec keeps it (same tgid), the exit of the thread group flags it exited (its orphaned sockets
 * still drain against the budget) and the agent deletes it later. A tainted process may only
 * connect/sendmsg to its policy's allow list (static CIDRs, or addresses the agent learned from
 * DNS answers of allowed names); its sockets are marked and their egress bytes are counted
 * against the policy's budgets.
 */
#ifndef VIGIL_ASSET_ABI_H
#define VIGIL_ASSET_ABI_H

#define VIGIL_ASSET_MAX_POLICIES 64    /* asset_policies entries; policy index < this */
#define VIGIL_ASSET_MAX_PORTS 16       /* ports of one allow entry; more is refused by the encoder */
#define VIGIL_ASSET_TAINT_ENTRIES 65536
#define VIGIL_ASSET_ALLOW_ENTRIES 16384 /* per family */
#define VIGIL_ASSET_LEARNED_ENTRIES 65536
#define VIGIL_ASSET_DEST_ENTRIES 65536
#define VIGIL_ASSET_DNS_BYTES 512      /* DNS payload copied per answer (UDP, no EDNS beyond this) */

/* What a policy does to a violation. Java: AssetAbi.ACTION_* */
enum vigil_asset_action {
	VIGIL_ASSET_ACTION_MONITOR = 0,  /* report, let it through */
	VIGIL_ASSET_ACTION_DENY = 1,     /* EPERM on connect/sendmsg, drop past the budget */
	VIGIL_ASSET_ACTION_KILL = 2,     /* deny, and SIGKILL the process */
};

/* msg_asset.kind. Java: AssetAbi.EV_* */
enum vigil_asset_event {
	VIGIL_ASSET_EV_TAINT = 1,            /* agent: an allowed reader opened an asset */
	VIGIL_ASSET_EV_OPEN_DENIED = 2,      /* agent: a reader not allowed was refused the open */
	VIGIL_ASSET_EV_CONNECT_DENIED = 3,   /* kernel: connect outside the allow list failed */
	VIGIL_ASSET_EV_SEND_DENIED = 4,      /* kernel: unconnected sendmsg outside the allow list failed */
	VIGIL_ASSET_EV_EGRESS_MONITORED = 5, /* kernel: monitor mode, a connect/sendmsg outside the list went through */
	VIGIL_ASSET_EV_BUDGET_EXCEEDED = 6,  /* kernel: the first packet past a budget (dropped unless monitor) */
	VIGIL_ASSET_EV_OPEN_MONITORED = 7,   /* agent: monitor mode, a reader not allowed opened an asset */
	VIGIL_ASSET_EV_KILLED = 8,           /* the process was sent SIGKILL (kernel at the refused syscall's
					      * exit, or agent for a budget crossed under Kill) */
};

/* asset_policy_cfg.flags */
#define VIGIL_ASSET_CFG_ACTIVE 0x1

/* asset_taint.flags */
#define VIGIL_ASSET_TAINT_BUDGET_REPORTED 0x1   /* the process budget event was sent */
#define VIGIL_ASSET_TAINT_EXITED 0x2            /* the process exited: no longer restricts connects, but
						 * the sockets it left behind still drain against its
						 * budget; the agent deletes the entry later */
#define VIGIL_ASSET_TAINT_KILL_PENDING 0x4      /* Kill policy refused a connect/send: SIGKILL at the syscall's exit */

/* asset_ports.proto bits; 0 = any protocol */
#define VIGIL_ASSET_PROTO_TCP 0x1
#define VIGIL_ASSET_PROTO_UDP 0x2

/* asset_policies[index]: ARRAY. 24 bytes. */
struct asset_policy_cfg {
	__u64 budget_process;      /*  0: egress bytes per tainted process; 0 = no budget */
	__u64 budget_destination;  /*  8: egress bytes per (process, address, port); 0 = none */
	__u32 action;              /* 16: enum vigil_asset_action */
	__u32 flags;               /* 20: VIGIL_ASSET_CFG_* */
};                             /* 24 */

/* Ports an allow entry admits. 40 bytes. count 0 = every port. */
struct asset_ports {
	__u16 port[VIGIL_ASSET_MAX_PORTS]; /*  0: host byte order, the first count are used */
	__u8 count;                        /* 32 */
	__u8 proto;                        /* 33: VIGIL_ASSET_PROTO_* bits, 0 = any */
	__u8 pad[6];                       /* 34 */
};                                     /* 40 */

/* asset_allow4: LPM_TRIE. prefixlen = 32 (the policy) + CIDR bits. 12 bytes. */
struct asset_allow4_key {
	__u32 prefixlen;  /* 0 */
	__u32 policy;     /* 4: big-endian, so that it is the prefix's first 32 bits */
	__u8 addr[4];     /* 8: network order */
};                    /* 12 */

/* asset_allow6: LPM_TRIE, as asset_allow4. 24 bytes. */
struct asset_allow6_key {
	__u32 prefixlen;  /* 0 */
	__u32 policy;     /* 4: big-endian */
	__u8 addr[16];    /* 8: network order */
};                    /* 24 */

/* Value of both tries: the longest prefix decides, so the encoder folds the ports of every
 * enclosing entry into a nested one. */

/* asset_learned: HASH, addresses the agent learned from DNS answers of allowed names. 24 bytes. */
struct asset_learned_key {
	__u32 policy;     /*  0: host order */
	__u8 family;      /*  4: AF_INET 2, AF_INET6 10 */
	__u8 pad[3];      /*  5 */
	__u8 addr[16];    /*  8: network order; IPv4 in the first 4 bytes, the rest 0 */
};                    /* 24 */

/* 48 bytes */
struct asset_learned_value {
	__u64 expires;            /*  0: bpf_ktime_get_boot_ns() after which it no longer allows; 0 = never */
	struct asset_ports ports; /*  8 */
};                            /* 48 */

/* asset_taint[tgid]: HASH, pinned so that a restart of the agent keeps it. 56 bytes. */
struct asset_taint {
	__u64 start_boottime;  /*  0: task->start_boottime of the thread group leader: pid reuse check */
	__u64 tainted_at;      /*  8: bpf_ktime_get_boot_ns() of the taint (inherited from the ancestor) */
	__u64 asset_dev;       /* 16: st_dev of the asset that tainted it (userspace encoding) */
	__u64 asset_ino;       /* 24 */
	__u64 bytes;           /* 32: egress bytes counted on its marked sockets */
	__u32 policy;          /* 40 */
	__u32 flags;           /* 44: VIGIL_ASSET_TAINT_* */
	__u64 exited_at;       /* 48: bpf_ktime_get_boot_ns() of the exit, with VIGIL_ASSET_TAINT_EXITED */
};                         /* 56 */

/* asset_socks: SK_STORAGE, the owner of a marked socket. 8 bytes. */
struct asset_sock {
	__u32 tgid;    /* 0 */
	__u32 policy;  /* 4 */
};                 /* 8 */

/* asset_dest: LRU_HASH, egress bytes per (process, destination). 24 bytes. */
struct asset_dest_key {
	__u32 tgid;     /*  0 */
	__u8 family;    /*  4 */
	__u8 pad;       /*  5 */
	__u16 port;     /*  6: host order */
	__u8 addr[16];  /*  8: network order */
};                  /* 24 */

/* 16 bytes */
struct asset_dest_value {
	__u64 bytes;    /* 0 */
	__u32 flags;    /* 8: VIGIL_ASSET_TAINT_BUDGET_REPORTED for this destination */
	__u32 pad;      /* 12 */
};                  /* 16 */

/* VIGIL_MSG_OP_ASSET: one decision. 104 bytes, then path_len bytes of asset path (records made by
 * the agent; the kernel sends 0 and the agent names the asset from its taint index). */
struct msg_asset {
	struct msg_common common;       /*   0 */
	struct msg_execve_key process;  /*  16: ktime from execve_map, 0 if the process is unknown */
	__u32 tid;                      /*  32 */
	__u32 policy;                   /*  36 */
	__u16 kind;                     /*  40: enum vigil_asset_event */
	__u8 family;                    /*  42: 0 when there is no destination */
	__u8 protocol;                  /*  43: IPPROTO_TCP 6, IPPROTO_UDP 17 */
	__u16 port;                     /*  44: host order */
	__u16 action;                   /*  46: enum vigil_asset_action of the policy */
	__u8 addr[16];                  /*  48: network order */
	__u64 bytes;                    /*  64: the process's counted egress bytes */
	__u64 budget;                   /*  72: the budget it crossed, or 0 */
	__u64 asset_dev;                /*  80 */
	__u64 asset_ino;                /*  88 */
	__u32 path_len;                 /*  96 */
	__u32 pad;                      /* 100 */
};                                  /* 104 */

/* VIGIL_MSG_OP_DNS: a DNS answer (UDP source port 53) that reached a socket; the agent parses it
 * and fills asset_learned. 24 bytes, then len bytes of the IP packet from its IP header. */
struct msg_dns {
	struct msg_common common;  /*  0 */
	__u32 len;                 /* 16: bytes that follow (<= VIGIL_ASSET_DNS_BYTES + headers) */
	__u32 pad;                 /* 20 */
};                             /* 24 */

#endif

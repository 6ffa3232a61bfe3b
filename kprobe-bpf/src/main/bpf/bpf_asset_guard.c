// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Model-theft guard: the network side of an AssetProtectionPolicy (asset_abi.h says what is kept).
 * Every program here is of a type this kernel and the distro kernels accept (raw_tp, tracepoint,
 * cgroup sock_addr, cgroup_skb), so there is one backend.
 *
 *   fork (raw_tp)          parent tainted -> child tainted (same policy, same asset)
 *   exit (tracepoint)      group dead -> taint flagged exited (kept for its sockets' budget)
 *   connect4/6, sendmsg4/6 untainted -> pass (one hash lookup); tainted -> allow list? mark the
 *                          socket : event, EPERM unless the policy monitors
 *   egress (cgroup_skb)    unmarked socket -> pass (one storage lookup); marked -> count bytes per
 *                          process and per destination, past a budget: event, drop unless monitor
 *   sys_exit_connect/...   a Kill policy refused the call: SIGKILL before it returns to user space
 *                          (cgroup programs cannot send signals; these tracepoints can)
 *   dns (cgroup_skb)       UDP from port 53 -> the packet to the agent, which learns the addresses
 *                          of allowed names (asset_learned)
 *
 * The taint map and the socket marks are pinned by the agent, so that its restart keeps them. */
#include "lib/common.h"
#include "lib/execve_map.h"
#include "lib/asset_abi.h"
#include <bpf/bpf_endian.h>

#define ASSET_AF_INET 2
#define ASSET_AF_INET6 10
#define ASSET_IPPROTO_TCP 6
#define ASSET_IPPROTO_UDP 17
#define ASSET_ETH_P_IP 0x0800
#define ASSET_ETH_P_IPV6 0x86DD

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VIGIL_ASSET_MAX_POLICIES);
	__type(key, __u32);
	__type(value, struct asset_policy_cfg);
} asset_policies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VIGIL_ASSET_TAINT_ENTRIES);
	__type(key, __u32);
	__type(value, struct asset_taint);
} asset_taint SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VIGIL_ASSET_ALLOW_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct asset_allow4_key);
	__type(value, struct asset_ports);
} asset_allow4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VIGIL_ASSET_ALLOW_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct asset_allow6_key);
	__type(value, struct asset_ports);
} asset_allow6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VIGIL_ASSET_LEARNED_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct asset_learned_key);
	__type(value, struct asset_learned_value);
} asset_learned SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct asset_sock);
} asset_socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VIGIL_ASSET_DEST_ENTRIES);
	__type(key, struct asset_dest_key);
	__type(value, struct asset_dest_value);
} asset_dest SEC(".maps");

/* one DNS record under construction per CPU: too big for the stack */
struct dns_buf {
	struct msg_dns hdr;
	__u8 data[VIGIL_ASSET_DNS_BYTES + 64];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dns_buf);
} asset_dns_heap SEC(".maps");

/* ---- process side ---- */

SEC("raw_tp/sched_process_fork")
int BPF_PROG(asset_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct asset_taint *pt, ct;

	if (ctgid == ptgid || BPF_CORE_READ(child, pid) != ctgid)
		return 0; /* a thread: it shares the group's taint */
	pt = bpf_map_lookup_elem(&asset_taint, &ptgid);
	if (!pt)
		return 0;
	ct = *pt;
	ct.start_boottime = BPF_CORE_READ(child, start_boottime);
	ct.bytes = 0; /* budgets are per process */
	ct.flags = 0;
	ct.exited_at = 0;
	bpf_map_update_elem(&asset_taint, &ctgid, &ct, BPF_ANY);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int asset_exit(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct asset_taint *t;
	__u32 tgid;

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0; /* not the last thread */
	tgid = BPF_CORE_READ(task, tgid);
	t = bpf_map_lookup_elem(&asset_taint, &tgid);
	if (!t)
		return 0;
	/* Deleting it now would let the send buffer of a socket the process leaves behind drain past
	 * the budget (exfil by exiting): it stays, flagged, until the agent collects it. */
	t->exited_at = bpf_ktime_get_boot_ns();
	t->flags |= VIGIL_ASSET_TAINT_EXITED;
	return 0;
}

/* ---- events ---- */

/* Decisions and DNS answers are rare and someone waits on them (a connect right after a lookup
 * needs the learned address): wake the agent now rather than at the next batch boundary. */
static __always_inline void submit_now(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&events, data, size, BPF_RB_FORCE_WAKEUP)) {
		stat_inc(VIGIL_STAT_RINGBUF_FULL);
		return;
	}
	stat_inc(VIGIL_STAT_EVENTS_SENT);
}

/* tid: the calling thread, 0 from cgroup_skb (no bpf_get_current_pid_tgid there before 6.5, and a
 * packet may leave from softirq in another task's context anyway) */
static __always_inline void asset_event(__u32 tgid, __u32 tid, struct asset_taint *t, __u16 kind, __u32 action,
					__u8 family, __u8 protocol, __u16 port, const __u32 *addr, __u64 bytes,
					__u64 budget)
{
	struct execve_map_value *p = bpf_map_lookup_elem(&execve_map, &tgid);
	struct msg_asset m = {};

	m.common.op = VIGIL_MSG_OP_ASSET;
	m.common.size = sizeof(m);
	m.common.ktime = bpf_ktime_get_boot_ns();
	m.process.pid = tgid;
	if (p)
		m.process.ktime = p->key.ktime;
	m.tid = tid;
	m.policy = t->policy;
	m.kind = kind;
	m.family = family;
	m.protocol = protocol;
	m.port = port;
	m.action = action;
	__builtin_memcpy(m.addr, addr, 16);
	m.bytes = bytes;
	m.budget = budget;
	m.asset_dev = t->asset_dev;
	m.asset_ino = t->asset_ino;
	submit_now(&m, sizeof(m));
}

/* ---- allow list ---- */

static __always_inline int ports_admit(struct asset_ports *p, __u16 port, __u8 protocol)
{
	__u8 bit = protocol == ASSET_IPPROTO_TCP ? VIGIL_ASSET_PROTO_TCP
		 : protocol == ASSET_IPPROTO_UDP ? VIGIL_ASSET_PROTO_UDP : 0;

	if (p->proto && !(p->proto & bit))
		return 0;
	if (!p->count)
		return 1;
#pragma unroll
	for (int i = 0; i < VIGIL_ASSET_MAX_PORTS; i++) {
		if (i < p->count && p->port[i] == port)
			return 1;
	}
	return 0;
}

static __always_inline int allowed(__u32 policy, int v6, const __u32 *addr, __u16 port, __u8 protocol)
{
	struct asset_learned_key lk = {};
	struct asset_learned_value *lv;
	struct asset_ports *p;

	if (v6) {
		struct asset_allow6_key k = { .prefixlen = 32 + 128, .policy = bpf_htonl(policy) };

		__builtin_memcpy(k.addr, addr, 16);
		p = bpf_map_lookup_elem(&asset_allow6, &k);
	} else {
		struct asset_allow4_key k = { .prefixlen = 32 + 32, .policy = bpf_htonl(policy) };

		__builtin_memcpy(k.addr, addr, 4);
		p = bpf_map_lookup_elem(&asset_allow4, &k);
	}
	if (p && ports_admit(p, port, protocol))
		return 1;
	lk.policy = policy;
	lk.family = v6 ? ASSET_AF_INET6 : ASSET_AF_INET;
	__builtin_memcpy(lk.addr, addr, 16);
	lv = bpf_map_lookup_elem(&asset_learned, &lk);
	if (!lv)
		return 0;
	if (lv->expires && bpf_ktime_get_boot_ns() > lv->expires)
		return 0; /* the name's TTL ran out; the agent deletes the entry soon */
	return ports_admit(&lv->ports, port, protocol);
}

static __always_inline int asset_sock_addr(struct bpf_sock_addr *ctx, int v6, int send)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct asset_taint *t = bpf_map_lookup_elem(&asset_taint, &tgid);
	struct asset_policy_cfg *cfg;
	struct asset_sock *mark;
	__u32 addr[4] = {};
	__u32 policy;
	__u16 port;
	__u8 protocol;

	if (!t || (t->flags & VIGIL_ASSET_TAINT_EXITED))
		return 1; /* the fast path: not tainted (or a reused pid of an exited one) */
	policy = t->policy;
	cfg = bpf_map_lookup_elem(&asset_policies, &policy);
	if (!cfg || !(cfg->flags & VIGIL_ASSET_CFG_ACTIVE))
		return 1; /* its policy was deleted */
	if (v6) {
		addr[0] = ctx->user_ip6[0];
		addr[1] = ctx->user_ip6[1];
		addr[2] = ctx->user_ip6[2];
		addr[3] = ctx->user_ip6[3];
		if (!addr[0] && !addr[1] && addr[2] == bpf_htonl(0xffff)) {
			/* ::ffff:a.b.c.d from a dual-stack socket (Java's default): it is IPv4 traffic */
			v6 = 0;
			addr[0] = addr[3];
			addr[2] = 0;
			addr[3] = 0;
		}
	} else {
		addr[0] = ctx->user_ip4;
	}
	port = bpf_ntohs((__u16)ctx->user_port);
	protocol = (__u8)ctx->protocol;
	if (!allowed(policy, v6, addr, port, protocol)) {
		int monitor = cfg->action == VIGIL_ASSET_ACTION_MONITOR;

		asset_event(tgid, (__u32)bpf_get_current_pid_tgid(), t, monitor ? VIGIL_ASSET_EV_EGRESS_MONITORED
				     : send ? VIGIL_ASSET_EV_SEND_DENIED : VIGIL_ASSET_EV_CONNECT_DENIED,
			    cfg->action, v6 ? ASSET_AF_INET6 : ASSET_AF_INET, protocol, port, addr, t->bytes, 0);
		if (!monitor) {
			if (cfg->action == VIGIL_ASSET_ACTION_KILL)
				t->flags |= VIGIL_ASSET_TAINT_KILL_PENDING;
			return 0; /* EPERM */
		}
	}
	/* allowed (or monitored): its bytes count against the budgets */
	if (ctx->sk) {
		mark = bpf_sk_storage_get(&asset_socks, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (mark) {
			mark->tgid = tgid;
			mark->policy = policy;
		}
	}
	return 1;
}

SEC("cgroup/connect4")
int asset_connect4(struct bpf_sock_addr *ctx)
{
	return asset_sock_addr(ctx, 0, 0);
}

SEC("cgroup/connect6")
int asset_connect6(struct bpf_sock_addr *ctx)
{
	return asset_sock_addr(ctx, 1, 0);
}

SEC("cgroup/sendmsg4")
int asset_sendmsg4(struct bpf_sock_addr *ctx)
{
	return asset_sock_addr(ctx, 0, 1);
}

SEC("cgroup/sendmsg6")
int asset_sendmsg6(struct bpf_sock_addr *ctx)
{
	return asset_sock_addr(ctx, 1, 1);
}

/* The syscall a Kill policy refused is returning: the process dies before it can try another way. */
static __always_inline int kill_pending(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct asset_taint *t = bpf_map_lookup_elem(&asset_taint, &tgid);
	__u32 zero[4] = {};

	if (!t || !(t->flags & VIGIL_ASSET_TAINT_KILL_PENDING))
		return 0;
	t->flags &= ~VIGIL_ASSET_TAINT_KILL_PENDING;
	if (!bpf_send_signal(9))
		asset_event(tgid, (__u32)id, t, VIGIL_ASSET_EV_KILLED, VIGIL_ASSET_ACTION_KILL, 0, 0, 0, zero, t->bytes, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int asset_exit_connect(void *ctx)
{
	return kill_pending();
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int asset_exit_sendto(void *ctx)
{
	return kill_pending();
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int asset_exit_sendmsg(void *ctx)
{
	return kill_pending();
}

SEC("tracepoint/syscalls/sys_exit_sendmmsg")
int asset_exit_sendmmsg(void *ctx)
{
	return kill_pending();
}

/* ---- egress budget ---- */

/* Destination of an IP packet (the data of a cgroup_skb program starts at the IP header). */
static __always_inline int packet_dest(struct __sk_buff *skb, __u8 *family, __u8 *protocol, __u16 *port,
				       __u32 *addr)
{
	__u16 dport = 0;

	if (skb->protocol == bpf_htons(ASSET_ETH_P_IP)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return -1;
		addr[0] = ip.daddr;
		*family = ASSET_AF_INET;
		*protocol = ip.protocol;
		if (ip.protocol == ASSET_IPPROTO_TCP || ip.protocol == ASSET_IPPROTO_UDP)
			bpf_skb_load_bytes(skb, (ip.ihl & 0xf) * 4 + 2, &dport, 2);
	} else if (skb->protocol == bpf_htons(ASSET_ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return -1;
		__builtin_memcpy(addr, &ip6.daddr, 16);
		*family = ASSET_AF_INET6;
		*protocol = ip6.nexthdr;
		if (ip6.nexthdr == ASSET_IPPROTO_TCP || ip6.nexthdr == ASSET_IPPROTO_UDP)
			bpf_skb_load_bytes(skb, sizeof(ip6), &dport, 2);
	} else {
		return -1;
	}
	*port = bpf_ntohs(dport);
	return 0;
}

/* Adds len to *counter unless that crosses budget (0 = none); returns 1 when it would. The objects
 * are built for BPF v1 (no fetching atomics), so the check and the add are two steps: senders on
 * several CPUs at once can overshoot by one packet each. */
static __always_inline int charge(__u64 *counter, __u64 len, __u64 budget)
{
	if (budget && *counter + len > budget)
		return 1;
	__sync_fetch_and_add(counter, len);
	return 0;
}

/* First time for this flag word? (a race may report twice, never zero times) */
static __always_inline int first_report(__u32 *flags)
{
	if (*flags & VIGIL_ASSET_TAINT_BUDGET_REPORTED)
		return 0;
	*flags |= VIGIL_ASSET_TAINT_BUDGET_REPORTED;
	return 1;
}

SEC("cgroup_skb/egress")
int asset_egress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct asset_dest_value *dv, zero = {};
	struct asset_dest_key dk = {};
	struct asset_policy_cfg *cfg;
	struct asset_taint *t;
	struct asset_sock *mark;
	__u32 addr[4] = {};
	__u32 tgid, policy;
	__u8 family = 0, protocol = 0;
	__u16 port = 0;
	__u64 len = skb->len;
	int over = 0, monitor;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	mark = bpf_sk_storage_get(&asset_socks, sk, 0, 0);
	if (!mark)
		return 1; /* the fast path: not a tainted process's socket */
	tgid = mark->tgid;
	policy = mark->policy;
	cfg = bpf_map_lookup_elem(&asset_policies, &policy);
	if (!cfg || !(cfg->flags & VIGIL_ASSET_CFG_ACTIVE))
		return 1;
	t = bpf_map_lookup_elem(&asset_taint, &tgid);
	if (!t)
		return 1; /* collected by the agent long after its process exited */
	monitor = cfg->action == VIGIL_ASSET_ACTION_MONITOR;
	if (packet_dest(skb, &family, &protocol, &port, addr))
		return 1;
	if (charge(&t->bytes, len, cfg->budget_process)) {
		over = 1;
		if (first_report(&t->flags))
			asset_event(tgid, 0, t, VIGIL_ASSET_EV_BUDGET_EXCEEDED, cfg->action, family, protocol, port, addr,
				    t->bytes, cfg->budget_process);
		if (monitor)
			__sync_fetch_and_add(&t->bytes, len);
	}
	if (!over && cfg->budget_destination) {
		dk.tgid = tgid;
		dk.family = family;
		dk.port = port;
		__builtin_memcpy(dk.addr, addr, 16);
		dv = bpf_map_lookup_elem(&asset_dest, &dk);
		if (!dv) {
			bpf_map_update_elem(&asset_dest, &dk, &zero, BPF_NOEXIST);
			dv = bpf_map_lookup_elem(&asset_dest, &dk);
		}
		if (dv && charge(&dv->bytes, len, cfg->budget_destination)) {
			over = 1;
			__sync_fetch_and_add(&t->bytes, -len); /* not sent after all */
			if (first_report(&dv->flags))
				asset_event(tgid, 0, t, VIGIL_ASSET_EV_BUDGET_EXCEEDED, cfg->action, family, protocol, port,
					    addr, dv->bytes, cfg->budget_destination);
			if (monitor) {
				__sync_fetch_and_add(&dv->bytes, len);
				__sync_fetch_and_add(&t->bytes, len);
			}
		}
	}
	return over && !monitor ? 0 : 1;
}

/* ---- DNS answers for FQDN allow lists ---- */

SEC("cgroup_skb/ingress")
int asset_dns(struct __sk_buff *skb)
{
	struct dns_buf *b;
	__u32 zero = 0, l4;
	__u16 sport;
	__u64 len;
	__u8 proto;

	if (skb->protocol == bpf_htons(ASSET_ETH_P_IP)) {
		__u8 vihl;

		if (bpf_skb_load_bytes(skb, 0, &vihl, 1) || bpf_skb_load_bytes(skb, 9, &proto, 1))
			return 1;
		l4 = (vihl & 0xf) * 4;
	} else if (skb->protocol == bpf_htons(ASSET_ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, 6, &proto, 1))
			return 1;
		l4 = 40;
	} else {
		return 1;
	}
	if (proto != ASSET_IPPROTO_UDP || bpf_skb_load_bytes(skb, l4, &sport, 2) || sport != bpf_htons(53))
		return 1;
	b = bpf_map_lookup_elem(&asset_dns_heap, &zero);
	if (!b) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return 1;
	}
	len = clamp_max(skb->len, sizeof(b->data));
	if (len < 28)
		return 1;
	if (bpf_skb_load_bytes(skb, 0, b->data, len))
		return 1;
	b->hdr.common.op = VIGIL_MSG_OP_DNS;
	b->hdr.common.pad0 = 0;
	b->hdr.common.pad1 = 0;
	b->hdr.common.size = sizeof(b->hdr) + len;
	b->hdr.common.ktime = bpf_ktime_get_boot_ns();
	b->hdr.len = len;
	b->hdr.pad = 0;
	submit_now(b, sizeof(b->hdr) + len);
	return 1;
}

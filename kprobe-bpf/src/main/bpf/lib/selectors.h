/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Selectors of a generic hook (generic_abi.h): tried in order, the first whose filters all
 * match decides. Within a selector: matchBinaries, matchParentBinaries, matchPIDs,
 * matchNamespaces, matchCapabilities, matchCapabilityChanges, then matchArgs/matchReturnArgs, all ANDed.
 * The arguments have been read already (generic.h): filters look at gen_state. */
#ifndef VIGIL_SELECTORS_H
#define VIGIL_SELECTORS_H

#include "generic.h"
#include "cap_changes.h"

#define GEN_PID_CHAIN 16   /* ancestors walked by matchPIDs followForks */

static __always_inline int gen_set_result(__u8 op, int in)
{
	return op == VIGIL_GEN_SET_NOT_IN ? !in : in;
}

static __always_inline __u64 gen_bin_bits(__u32 tgid, __u32 *ppid)
{
	struct execve_map_value *v = bpf_map_lookup_elem(&execve_map, &tgid);

	if (!v)
		return 0;
	if (ppid)
		*ppid = v->pkey.pid;
	return proc_bin_bits(v);
}

/* The pid as the task's own pid namespace numbers it. */
static __always_inline __u32 gen_ns_pid(struct task_struct *task)
{
	struct pid *p = BPF_CORE_READ(task, group_leader, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up = {};

	bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]);
	return up.nr;
}

static __always_inline int gen_pid_listed(struct gen_selector *s, __u32 pid)
{
	int in = 0;

#pragma unroll
	for (int k = 0; k < VIGIL_GEN_MAX_PIDS; k++) {
		if (k < s->npids && s->pids[k] == pid)
			in = 1;
	}
	return in;
}

static __always_inline int gen_match_pids(struct gen_selector *s, struct task_struct *task, __u32 tgid)
{
	__u32 pid = tgid;
	int in;

	if (s->pid_flags & VIGIL_GEN_PID_NAMESPACE)
		pid = gen_ns_pid(task);
	in = gen_pid_listed(s, pid);
	/* followForks: an ancestor listed (execve_map's parent chain; host pids only) */
	if (!in && (s->pid_flags & VIGIL_GEN_PID_FOLLOW_FORKS) && !(s->pid_flags & VIGIL_GEN_PID_NAMESPACE)) {
		for (int k = 0; k < GEN_PID_CHAIN; k++) {
			struct execve_map_value *v = bpf_map_lookup_elem(&execve_map, &pid);

			if (!v || v->pkey.pid == 0 || v->pkey.pid == pid)
				break;
			pid = v->pkey.pid;
			if (gen_pid_listed(s, pid)) {
				in = 1;
				break;
			}
		}
	}
	return gen_set_result(s->pid_op, in);
}

static __always_inline __u32 gen_ns_inum(struct task_struct *task, __u8 type)
{
	struct nsproxy *ns = BPF_CORE_READ(task, nsproxy);
	struct pid *p;
	unsigned int level;
	struct upid up = {};

	switch (type) {
	case VIGIL_GEN_NS_UTS: return BPF_CORE_READ(ns, uts_ns, ns.inum);
	case VIGIL_GEN_NS_IPC: return BPF_CORE_READ(ns, ipc_ns, ns.inum);
	case VIGIL_GEN_NS_MNT: return BPF_CORE_READ(ns, mnt_ns, ns.inum);
	case VIGIL_GEN_NS_PID:
		p = BPF_CORE_READ(task, thread_pid);
		level = BPF_CORE_READ(p, level);
		bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]);
		return BPF_CORE_READ(up.ns, ns.inum);
	case VIGIL_GEN_NS_PID_FOR_CHILDREN: return BPF_CORE_READ(ns, pid_ns_for_children, ns.inum);
	case VIGIL_GEN_NS_NET: return BPF_CORE_READ(ns, net_ns, ns.inum);
	case VIGIL_GEN_NS_TIME:
		if (bpf_core_field_exists(ns->time_ns))
			return BPF_CORE_READ(ns, time_ns, ns.inum);
		return 0;
	case VIGIL_GEN_NS_TIME_FOR_CHILDREN:
		if (bpf_core_field_exists(ns->time_ns_for_children))
			return BPF_CORE_READ(ns, time_ns_for_children, ns.inum);
		return 0;
	case VIGIL_GEN_NS_CGROUP: return BPF_CORE_READ(ns, cgroup_ns, ns.inum);
	case VIGIL_GEN_NS_USER: return BPF_CORE_READ(task, cred, user_ns, ns.inum);
	}
	return 0;
}

static __always_inline int gen_match_ns(struct gen_selector *s, struct task_struct *task)
{
	for (int j = 0; j < VIGIL_GEN_MAX_NS; j++) {
		struct gen_ns_filter *f = &s->ns[j];
		__u32 inum;
		int in = 0;

		if (j >= s->nns)
			break;
		inum = gen_ns_inum(task, f->type);
#pragma unroll
		for (int k = 0; k < VIGIL_GEN_MAX_NS_VALUES; k++) {
			if (k < f->nvals && f->vals[k] == inum)
				in = 1;
		}
		if (!gen_set_result(f->op, in))
			return 0;
	}
	return 1;
}

static __always_inline int gen_match_caps(struct gen_selector *s, struct task_struct *task)
{
	const struct cred *c = BPF_CORE_READ(task, cred);
	__u64 caps = 0;

	if (s->cap_ns && BPF_CORE_READ(c, user_ns, level) == 0)
		return 0;   /* isNamespaceCapability: only tasks outside the initial user namespace */
	if (s->cap_type == VIGIL_GEN_CAP_INHERITABLE)
		bpf_probe_read_kernel(&caps, 8, &c->cap_inheritable);
	else if (s->cap_type == VIGIL_GEN_CAP_PERMITTED)
		bpf_probe_read_kernel(&caps, 8, &c->cap_permitted);
	else
		bpf_probe_read_kernel(&caps, 8, &c->cap_effective);
	return gen_set_result(s->cap_op, (caps & s->cap_mask) != 0);
}

/* Everything of a selector that is about the process, not the call. */
static __always_inline int gen_match_process(struct gen_selector *s)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, ppid = 0;
	__u64 bits;

	if (s->bin_op || s->pbin_op) {
		bits = gen_bin_bits(tgid, &ppid);
		if (s->bin_op && !gen_set_result(s->bin_op, (bits >> (s->bin_bit & 63)) & 1))
			return 0;
		if (s->pbin_op) {
			bits = ppid ? gen_bin_bits(ppid, NULL) : 0;
			if (!gen_set_result(s->pbin_op, (bits >> (s->pbin_bit & 63)) & 1))
				return 0;
		}
	}
	if (s->pid_op && !gen_match_pids(s, task, tgid))
		return 0;
	if (s->nns && !gen_match_ns(s, task))
		return 0;
	if (s->cap_op && !gen_match_caps(s, task))
		return 0;
	if (s->capc_op && !gen_match_cap_changes(s))
		return 0;
	return 1;
}

/* String ops on the argument's bytes (data[aoff, aoff + alen)). */
static __always_inline int gen_match_string(struct gen_heap *h, struct gen_filter *f, __u32 aoff, __u32 alen)
{
	const char *src = h->data + (aoff & 32767);
	__u32 n;

	switch (f->op) {
	case VIGIL_GEN_OP_EQ:
	case VIGIL_GEN_OP_NEQ:
		if (alen > VIGIL_GEN_STR_KEY - 1)
			return 0;
		__builtin_memset(&h->st.skey, 0, sizeof(h->st.skey));
		h->st.skey.set_id = f->set_id;
		h->st.skey.len = alen;
		bpf_probe_read_kernel(h->st.skey.str, bounded(alen, 255), src);
		return bpf_map_lookup_elem(&gen_str_eq, &h->st.skey) != NULL;
	case VIGIL_GEN_OP_PREFIX:
	case VIGIL_GEN_OP_NOT_PREFIX:
		n = clamp_max(alen, VIGIL_GEN_PREFIX_KEY);
		__builtin_memset(&h->st.lkey, 0, sizeof(h->st.lkey));
		h->st.lkey.prefixlen = 32 + 8 * n;
		h->st.lkey.set_id = f->set_id;
		bpf_probe_read_kernel(h->st.lkey.str, n, src);
		return bpf_map_lookup_elem(&gen_prefix, &h->st.lkey) != NULL;
	case VIGIL_GEN_OP_POSTFIX:
	case VIGIL_GEN_OP_NOT_POSTFIX:
		n = clamp_max(alen, VIGIL_GEN_POSTFIX_KEY);
		__builtin_memset(&h->st.lkey, 0, sizeof(h->st.lkey));
		h->st.lkey.prefixlen = 32 + 8 * n;
		h->st.lkey.set_id = f->set_id;
		bpf_probe_read_kernel(h->st.lkey.str, n, src + alen - n);
		for (int k = 0; k < VIGIL_GEN_POSTFIX_KEY / 2; k++) {
			__u32 j = n - 1 - k;
			char c;

			if (k >= n / 2)
				break;
			c = h->st.lkey.str[k & 127];
			h->st.lkey.str[k & 127] = h->st.lkey.str[j & 127];
			h->st.lkey.str[j & 127] = c;
		}
		return bpf_map_lookup_elem(&gen_postfix, &h->st.lkey) != NULL;
	}
	return 0;
}

static __always_inline int gen_int_in_set(__u32 set_id, __u64 v)
{
	struct gen_int_key k = { .set_id = set_id, .val = v };

	return bpf_map_lookup_elem(&gen_int_set, &k) != NULL;
}

static __always_inline int gen_match_int(struct gen_filter *f, __u64 v, int sgn)
{
	int hit = 0;

	switch (f->op) {
	case VIGIL_GEN_OP_IN_SET:
	case VIGIL_GEN_OP_NOT_IN_SET:
		return gen_int_in_set(f->set_id, v);
	case VIGIL_GEN_OP_IN_RANGE:
	case VIGIL_GEN_OP_NOT_IN_RANGE:
#pragma unroll
		for (int k = 0; k < VIGIL_GEN_MAX_VALUES; k += 2) {
			__u64 lo = f->vals[k], hi = f->vals[k + 1];

			if (k + 1 < f->nvals && (sgn ? ((__s64)lo <= (__s64)v && (__s64)v <= (__s64)hi) : (lo <= v && v <= hi)))
				hit = 1;
		}
		return hit;
	}
#pragma unroll
	for (int k = 0; k < VIGIL_GEN_MAX_VALUES; k++) {
		__u64 x = f->vals[k];

		if (k >= f->nvals)
			break;
		switch (f->op) {
		case VIGIL_GEN_OP_EQ:
		case VIGIL_GEN_OP_NEQ:
			hit |= v == x;
			break;
		case VIGIL_GEN_OP_GT:
			hit |= sgn ? (__s64)v > (__s64)x : v > x;
			break;
		case VIGIL_GEN_OP_LT:
			hit |= sgn ? (__s64)v < (__s64)x : v < x;
			break;
		case VIGIL_GEN_OP_MASK:
			hit |= (v & x) != 0;
			break;
		}
	}
	return hit;
}

static __always_inline int gen_match_sock(struct gen_heap *h, struct gen_filter *f, __u32 aoff, __u8 type)
{
	struct msg_sockaddr sa;
	int src = f->op == VIGIL_GEN_OP_SADDR || f->op == VIGIL_GEN_OP_NOT_SADDR || f->op == VIGIL_GEN_OP_SPORT ||
		  f->op == VIGIL_GEN_OP_NOT_SPORT || f->op == VIGIL_GEN_OP_SPORT_PRIV || f->op == VIGIL_GEN_OP_NOT_SPORT_PRIV;
	__u8 *addr;
	__u16 port;
	int hit = 0;

	if (bpf_probe_read_kernel(&sa, sizeof(sa), h->data + (aoff & 32767)) < 0)
		return 0;
	/* a sockaddr carries one address (in daddr/dport): SAddr/SPort compare it too */
	if (type == VIGIL_GEN_TYPE_SOCKADDR)
		src = 0;
	addr = src ? sa.saddr : sa.daddr;
	port = src ? sa.sport : sa.dport;
	switch (f->op) {
	case VIGIL_GEN_OP_SADDR: case VIGIL_GEN_OP_NOT_SADDR: case VIGIL_GEN_OP_DADDR: case VIGIL_GEN_OP_NOT_DADDR:
		if (sa.family == GEN_AF_INET) {
			struct gen_addr4_key k = { .prefixlen = 64, .set_id = f->set_id };

			__builtin_memcpy(k.addr, addr, 4);
			return bpf_map_lookup_elem(&gen_addr4, &k) != NULL;
		}
		if (sa.family == GEN_AF_INET6) {
			struct gen_addr6_key k = { .prefixlen = 160, .set_id = f->set_id };

			__builtin_memcpy(k.addr, addr, 16);
			return bpf_map_lookup_elem(&gen_addr6, &k) != NULL;
		}
		return 0;
	case VIGIL_GEN_OP_SPORT: case VIGIL_GEN_OP_NOT_SPORT: case VIGIL_GEN_OP_DPORT: case VIGIL_GEN_OP_NOT_DPORT:
		return gen_int_in_set(f->set_id, port);
	case VIGIL_GEN_OP_SPORT_PRIV: case VIGIL_GEN_OP_NOT_SPORT_PRIV:
	case VIGIL_GEN_OP_DPORT_PRIV: case VIGIL_GEN_OP_NOT_DPORT_PRIV:
		return port < 1024;
	}
#pragma unroll
	for (int k = 0; k < VIGIL_GEN_MAX_VALUES; k++) {
		__u64 x = f->vals[k];

		if (k >= f->nvals)
			break;
		if (f->op == VIGIL_GEN_OP_PROTOCOL)
			hit |= sa.protocol == x;
		else if (f->op == VIGIL_GEN_OP_FAMILY)
			hit |= sa.family == x;
		else if (f->op == VIGIL_GEN_OP_STATE)
			hit |= sa.state == x;
	}
	return hit;
}

static __always_inline int gen_op_negated(__u8 op)
{
	switch (op) {
	case VIGIL_GEN_OP_NEQ: case VIGIL_GEN_OP_NOT_PREFIX: case VIGIL_GEN_OP_NOT_POSTFIX:
	case VIGIL_GEN_OP_NOT_IN_SET: case VIGIL_GEN_OP_NOT_SADDR: case VIGIL_GEN_OP_NOT_DADDR:
	case VIGIL_GEN_OP_NOT_SPORT: case VIGIL_GEN_OP_NOT_DPORT: case VIGIL_GEN_OP_NOT_SPORT_PRIV:
	case VIGIL_GEN_OP_NOT_DPORT_PRIV: case VIGIL_GEN_OP_NOT_IN_RANGE:
		return 1;
	}
	return 0;
}

/* One matchArgs/matchReturnArgs filter. An argument that could not be read matches no
 * positive operator (and so every negated one). */
static __always_inline int gen_match_filter(struct gen_heap *h, struct gen_config *cfg, struct gen_filter *f)
{
	__u64 slot = f->slot;
	__u8 type;
	int hit;

	if (slot == VIGIL_GEN_SLOT_RETURN) {
		if (!h->st.has_ret)
			return 0;
		type = cfg->ret_type;
		hit = gen_match_int(f, gen_extend(type, h->st.ret), gen_type_signed(type));
	} else {
		barrier_var(slot);
		if (slot >= VIGIL_GEN_MAX_ARGS || slot >= h->hdr.nargs)
			return 0;
		slot = index_max(slot, VIGIL_GEN_MAX_ARGS - 1);
		type = cfg->args[slot].type;
		if (h->st.aerr[slot])
			hit = 0;
		else if (gen_type_string(type))
			hit = gen_match_string(h, f, h->st.aoff[slot], h->st.alen[slot]);
		else if (gen_type_sock(type))
			hit = gen_match_sock(h, f, h->st.aoff[slot], type);
		else
			hit = gen_match_int(f, h->st.ival[slot], gen_type_signed(type));
	}
	return gen_op_negated(f->op) ? !hit : hit;
}

/* bpf_loop body: selector i; stops at the first that matches (st.matched). */
static long gen_try_selector(__u32 idx, void *ctx)
{
	__u64 i = idx;
	struct gen_heap *h = gen_heap_get();
	struct gen_config *cfg = gen_config_get();
	struct gen_selector *s;

	/* zero-extended once into a register the checks and the indexing share: else clang
	 * extends two copies and the verifier loses the bound */
	barrier_var(i);
	if (!h || !cfg || i >= VIGIL_GEN_MAX_SELECTORS || i >= cfg->nselectors)
		return 1;
	i = index_max(i, VIGIL_GEN_MAX_SELECTORS - 1);
	s = &cfg->sel[i];
	if (!gen_match_process(s))
		return 0;
	for (int j = 0; j < VIGIL_GEN_MAX_FILTERS; j++) {
		if (j >= s->nfilters)
			break;
		if (!gen_match_filter(h, cfg, &s->filters[j]))
			return 0;
	}
	h->st.matched = i;
	return 1;
}

/* Post rateLimit: false when this selector posted for the same scope less than rate_ns ago. */
static __always_inline int gen_rate_ok(struct gen_selector *s, __u32 sel)
{
	struct gen_rate_key k = { .sel = sel };
	__u64 now = bpf_ktime_get_ns(), *last;
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!s->rate_ns)
		return 1;
	if (s->rate_scope == VIGIL_GEN_RATE_THREAD)
		k.id = (__u32)pid_tgid;
	else if (s->rate_scope == VIGIL_GEN_RATE_PROCESS)
		k.id = pid_tgid >> 32;
	last = bpf_map_lookup_elem(&gen_rate, &k);
	if (last && now - *last < s->rate_ns)
		return 0;
	bpf_map_update_elem(&gen_rate, &k, &now, BPF_ANY);
	return 1;
}

#endif

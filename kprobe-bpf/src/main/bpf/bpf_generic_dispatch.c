// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Generic hook dispatcher, tracepoint backend: the one program attached to a syscall enter
 * tracepoint (syscalls/sys_enter_X) that several hooks share. Its members are generic_tp_enter
 * programs (bpf_generic_tp.c) loaded but not attached, in gen_dispatch_progs; Java keeps the
 * config and the gate (io.vigil.bpf.generic.DispatchGroup, GateEncoder).
 *
 *   gen_dispatch_config[0] -> mask = always
 *   gate on? the string's first 8 bytes match none of the config's heads: mask = always
 *            else read the string at gate_ctx_off once -> mask |= gen_gate[longest prefix]
 *            (unreadable or truncated: mask = members)
 *   mask == 0: return
 *   else tail-call the members, lowest slot first (lib/generic_dispatch.h)
 *
 * A call outside every policy costs one user read of 8 bytes and nheads compares within the
 * config's own value (measured: each further map touched, i.e. page, costs tens of ns per call).
 */
#include "lib/generic_dispatch.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_dispatch_config);
} gen_dispatch_config SEC(".maps");

/* Equal values with their NUL, Prefix values without: the value is the members whose gate may
 * match a string with this longest match (GateEncoder folds shorter prefixes in). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gen_gate_key);
	__type(value, __u32);
} gen_gate SEC(".maps");

/* One per CPU: too big for the stack of a program that tail-calls. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_gate_key);
} gen_gate_scratch SEC(".maps");

/* Whether a string starting with these 8 bytes may match a gen_gate key: every key's first
 * min(8, len) bytes are a head; bytes past a shorter string's NUL are masked off by the heads
 * of keys that short (a key never holds a NUL before its end). */
static __always_inline bool head_matches(struct gen_dispatch_config *cfg, __u64 head)
{
	__u32 n = cfg->nheads;

	for (int i = 0; i < VIGIL_GEN_GATE_HEADS; i++) {
		if (i >= n)
			break;
		if ((head & cfg->heads[i].mask) == cfg->heads[i].val)
			return true;
	}
	return false;
}

static __always_inline __u32 gate_mask(void *ctx, struct gen_dispatch_config *cfg)
{
	__u32 zero = 0, *v;
	struct gen_gate_key *k;
	__u64 p = 0, head = 0;
	long n;

	/* a helper, not a direct load: the offset is a variable, and the verifier sizes a direct load
	 * against the record (a tracepoint with fewer arguments would refuse the attach) */
	if (bpf_probe_read_kernel(&p, 8, (void *)((long)ctx + cfg->gate_ctx_off)) < 0)
		return cfg->members;
	/* a failed 8-byte read (a short string at the end of a mapping) goes on to the string read */
	if (cfg->nheads && bpf_probe_read_user(&head, 8, (void *)p) == 0 && !head_matches(cfg, head))
		return 0;
	k = bpf_map_lookup_elem(&gen_gate_scratch, &zero);
	if (!k)
		return cfg->members;
	n = bpf_probe_read_user_str(k->str, VIGIL_GEN_GATE_KEY, (void *)p);
	if (n <= 0 || n >= VIGIL_GEN_GATE_KEY)
		return cfg->members;   /* unreadable, or maybe longer than a key: every member decides */
	k->prefixlen = 8 * n;
	v = bpf_map_lookup_elem(&gen_gate, k);
	return v ? *v : 0;
}

SEC("tracepoint")
int generic_dispatch(void *ctx)
{
	__u32 zero = 0, mask;
	struct gen_dispatch_config *cfg = bpf_map_lookup_elem(&gen_dispatch_config, &zero);
	struct gen_dispatch_state *st;

	if (!cfg)
		return 0;
	mask = cfg->always;
	if (cfg->gate)
		mask |= gate_mask(ctx, cfg);
	mask &= cfg->members;
	if (!mask)
		return 0;
	st = bpf_map_lookup_elem(&gen_dispatch_state, &zero);
	if (!st)
		return 0;
	st->pid_tgid = bpf_get_current_pid_tgid();
	st->pending = mask;
	gen_dispatch_next(ctx, st);
	return 0;
}

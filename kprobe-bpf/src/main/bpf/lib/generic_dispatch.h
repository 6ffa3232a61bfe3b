/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The chain of a dispatcher (bpf_generic_dispatch.c) and its members (generic_tp_enter with
 * VIGIL_GEN_HOOK_MEMBER): the dispatcher writes {thread, pending members} to this CPU's state and
 * tail-calls the lowest pending slot; each member runs, then does the same. The loader makes the
 * members reuse the dispatcher's two maps (io.vigil.bpf.generic.DispatchGroup). */
#ifndef VIGIL_GENERIC_DISPATCH_H
#define VIGIL_GENERIC_DISPATCH_H

#include "common.h"
#include "generic_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, VIGIL_GEN_DISPATCH_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} gen_dispatch_progs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_dispatch_state);
} gen_dispatch_state SEC(".maps");

/* Tail-calls the lowest pending member; an empty slot (a member being replaced) is skipped.
 * Returns only when none is left. */
static __always_inline void gen_dispatch_next(void *ctx, struct gen_dispatch_state *st)
{
	for (__u32 slot = 0; slot < VIGIL_GEN_DISPATCH_SLOTS; slot++) {
		__u32 bit = 1U << slot;

		if (!st->pending)
			return;
		if (!(st->pending & bit))
			continue;
		st->pending &= ~bit;
		bpf_tail_call(ctx, &gen_dispatch_progs, slot);
	}
}

/* A member after its own run: go on with the chain if it is still this thread's. */
static __always_inline void gen_dispatch_member_done(void *ctx)
{
	__u32 zero = 0;
	struct gen_dispatch_state *st = bpf_map_lookup_elem(&gen_dispatch_state, &zero);

	if (!st)
		return;
	if (st->pid_tgid != bpf_get_current_pid_tgid()) {
		/* preempted: another thread's dispatcher ran on this CPU; the rest of our chain is lost */
		stat_inc(VIGIL_STAT_GEN_DISPATCH_LOST);
		return;
	}
	gen_dispatch_next(ctx, st);
}

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The backend-independent half of a generic hook (pipeline in generic.h): entry/return
 * bookkeeping, argument reading, selectors, actions, the event. */
#ifndef VIGIL_GENERIC_RUN_H
#define VIGIL_GENERIC_RUN_H

#include "generic.h"
#include "selectors.h"

static __always_inline void gen_process_key(__u32 tgid, struct msg_execve_key *key)
{
	struct execve_map_value *v = bpf_map_lookup_elem(&execve_map, &tgid);

	if (v) {
		key->pid = v->key.pid;
		key->ktime = v->key.ktime;
		return;
	}
	key->pid = tgid;
	key->ktime = guessed_ktime((struct task_struct *)bpf_get_current_task());
}

#define GEN_SIGKILL 9
#define GEN_ENFORCING (VIGIL_GEN_ACT_SIGKILL | VIGIL_GEN_ACT_SIGNAL | VIGIL_GEN_ACT_OVERRIDE)
#define GEN_EPERM 1

/* Sigkill and Signal, from the program, in the calling process's own syscall: the signal is
 * pending before the call returns, so the process runs no instruction of its own afterwards.
 * Enforcement does not depend on the event: NoPost and rate limits do not spare the process. */
static __always_inline void gen_enforce(struct gen_heap *h, struct gen_selector *s, __u32 actions)
{
	/* Override: the backend returns the verdict (cgroup sock_addr programs); the planner gives
	 * Override only to hooks whose backend can. argError is negative, as in Tetragon. */
	if (actions & VIGIL_GEN_ACT_OVERRIDE)
		h->st.verdict = s->arg_error < 0 ? s->arg_error : -GEN_EPERM;
#ifndef GEN_NO_SIGNALS   /* program types without bpf_send_signal (cgroup) */
	if (actions & VIGIL_GEN_ACT_SIGKILL)
		bpf_send_signal(GEN_SIGKILL);
	else if ((actions & VIGIL_GEN_ACT_SIGNAL) && s->arg_sig > 0 && s->arg_sig < 65)
		bpf_send_signal(s->arg_sig);
#endif
}

/* In st: the captured call (and its return value when has_ret). Reads the arguments, picks the
 * selector, enforces, posts the event unless the actions say otherwise. */
static __always_inline int gen_run(struct gen_heap *h, struct gen_config *cfg)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct gen_selector *s = NULL;
	__u32 actions = VIGIL_GEN_ACT_POST, size, monitored = 0;

	h->st.off = 0;
	h->st.verdict = 0;
	h->hdr.nargs = 0;
	bpf_loop(VIGIL_GEN_MAX_ARGS, gen_read_arg, NULL, 0);

	h->st.matched = 0xff;
	if (cfg->nselectors) {
		bpf_loop(VIGIL_GEN_MAX_SELECTORS, gen_try_selector, NULL, 0);
		if (h->st.matched >= VIGIL_GEN_MAX_SELECTORS)
			return 0;   /* selectors, none matched: nothing to post */
		s = &cfg->sel[index_max(h->st.matched, VIGIL_GEN_MAX_SELECTORS - 1)];
		actions = s->actions;
		if (actions & GEN_ENFORCING) {
			if (cfg->flags & VIGIL_GEN_HOOK_MONITOR)
				monitored = VIGIL_GEN_MSG_MONITORED;
			else
				gen_enforce(h, s, actions);
		}
		if (actions & VIGIL_GEN_ACT_NOPOST)
			return 0;
		if (!gen_rate_ok(s, h->st.matched)) {
			stat_inc(VIGIL_STAT_GEN_RATE_LIMITED);
			return 0;
		}
	}

	h->hdr.common.op = VIGIL_MSG_OP_GENERIC;
	h->hdr.common.pad0 = 0;
	h->hdr.common.pad1 = 0;
	h->hdr.common.ktime = bpf_ktime_get_boot_ns();
	gen_process_key(pid_tgid >> 32, &h->hdr.process);
	h->hdr.tid = (__u32)pid_tgid;
	h->hdr.hook_id = cfg->hook_id;
	h->hdr.ret = h->st.has_ret ? h->st.ret : 0;
	h->hdr.selector = h->st.matched;
	h->hdr.flags = (h->st.has_ret ? VIGIL_GEN_MSG_RETURN : 0) | monitored;
	h->hdr.actions = actions;
	if (s && s->capc_op)
		cap_changes_seen((struct task_struct *)bpf_get_current_task(), pid_tgid >> 32);
	size = sizeof(h->hdr) + clamp_max(h->st.off, GEN_DATA_BYTES);
	h->hdr.common.size = size;
	submit_event(&h->hdr, size);
	return 0;
}

/* Every generic program starts here: the per-CPU heap and the hook's config. The lookups cannot
 * fail (one-entry arrays), but the verifier wants them checked; a miss is counted and the
 * program returns as if nothing matched. */
static __always_inline int gen_begin(struct gen_heap **h, struct gen_config **cfg)
{
	*h = gen_heap_get();
	*cfg = gen_config_get();
	if (!*h || !*cfg) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return 0;
	}
	return 1;
}

/* A backend's read of argument a: its value (size == 0), or the value of its char_buf size
 * argument (size == 1), 0 when it has none. ctx is the program's context, aux what the backend
 * passes along (the syscall wrapper's pt_regs). The readers are __always_inline and passed as
 * constants, so clang inlines them into gen_capture's unrolled loop: no indirect call (which BPF
 * has not), and each backend's context access stays where its verifier wants it. */
typedef __u64 (*gen_arg_reader)(void *ctx, void *aux, struct gen_arg *a, int size);

/* Entry of a call, before gen_entry: the raw value (and size) of each configured argument into
 * st.in. */
static __always_inline void gen_capture(struct gen_heap *h, struct gen_config *cfg, void *ctx, void *aux,
					gen_arg_reader read)
{
#pragma unroll
	for (int i = 0; i < VIGIL_GEN_MAX_ARGS; i++) {
		struct gen_arg *a = &cfg->args[i];

		if (i >= cfg->nargs)
			break;
		h->st.in.raw[i] = read(ctx, aux, a, 0);
		h->st.in.size[i] = read(ctx, aux, a, 1);
	}
}

/* Entry of a call, raw values captured into st.in. */
static __always_inline int gen_entry(struct gen_heap *h, struct gen_config *cfg)
{
	__u64 pid_tgid;

	gen_capture_done(h, cfg);
	if (cfg->flags & VIGIL_GEN_HOOK_RETURN) {
		pid_tgid = bpf_get_current_pid_tgid();
		if (bpf_map_update_elem(&gen_stash, &pid_tgid, &h->st.in, BPF_ANY))
			stat_inc(VIGIL_STAT_GEN_NO_ENTRY);
		return 0;
	}
	h->st.has_ret = 0;
	return gen_run(h, cfg);
}

/* Return of a call: the entry's values back from the stash. */
static __always_inline int gen_return(struct gen_heap *h, struct gen_config *cfg, __s64 ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct gen_stash *st = bpf_map_lookup_elem(&gen_stash, &pid_tgid);

	if (!st) {
		stat_inc(VIGIL_STAT_GEN_NO_ENTRY);
		return 0;
	}
	h->st.in = *st;
	bpf_map_delete_elem(&gen_stash, &pid_tgid);
	gen_fill_ret(h, cfg, ret);
	h->st.ret = ret;
	h->st.has_ret = 1;
	return gen_run(h, cfg);
}

#endif

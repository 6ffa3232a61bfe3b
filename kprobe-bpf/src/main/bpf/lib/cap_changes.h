/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* matchCapabilityChanges, with Tetragon's semantics (process_filter_capability_change): the
 * selector matches when the task's capabilities of capc_type differ from those of its execve_map
 * entry (taken at exec, exec_caps.h), In when a bit of capc_mask changed, NotIn when only other
 * bits did; no change matches neither. A process missing from execve_map never matches. Once
 * such a selector has posted, the entry takes the current capabilities, so one change is
 * reported once (Tetragon's match_cap). */
#ifndef VIGIL_CAP_CHANGES_H
#define VIGIL_CAP_CHANGES_H

#include "execve_map.h"
#include "exec_caps.h"
#include "generic_abi.h"

/* A global function: the verifier checks it once, apart, instead of in every path of the
 * selector loop (inlined, it took generic_tp_enter past the 1M instruction budget). Scalars
 * only, as global functions take. */
__noinline int vigil_cap_changed(__u32 op, __u32 type, __u32 ns, __u64 mask)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct execve_map_value *at_exec = bpf_map_lookup_elem(&execve_map, &tgid);
	const struct cred *c;
	__u64 was, is;

	if (!at_exec)
		return 0;
	c = BPF_CORE_READ(task, cred);
	/* isNamespaceCapability: only tasks outside the initial user namespace */
	if (ns && BPF_CORE_READ(c, user_ns, level) == 0)
		return 0;
	if (type == VIGIL_GEN_CAP_INHERITABLE) {
		was = at_exec->cap_inheritable;
		is = read_cap_set(&c->cap_inheritable);
	} else if (type == VIGIL_GEN_CAP_PERMITTED) {
		was = at_exec->cap_permitted;
		is = read_cap_set(&c->cap_permitted);
	} else {
		was = at_exec->cap_effective;
		is = read_cap_set(&c->cap_effective);
	}
	if ((was & mask) != (is & mask))
		return op == VIGIL_GEN_SET_IN;
	if (was != is)
		return op == VIGIL_GEN_SET_NOT_IN;
	return 0;
}

static __always_inline int gen_match_cap_changes(struct gen_selector *s)
{
	return vigil_cap_changed(s->capc_op, s->capc_type, s->capc_ns, s->capc_mask);
}

/* After a matchCapabilityChanges selector posted: the current capabilities become the reference. */
static __always_inline void cap_changes_seen(struct task_struct *task, __u32 tgid)
{
	struct execve_map_value *v = bpf_map_lookup_elem(&execve_map, &tgid);

	if (v)
		exec_caps_snapshot(task, v);
}

#endif

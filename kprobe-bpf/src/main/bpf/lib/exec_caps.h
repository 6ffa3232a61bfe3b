/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The capabilities a process had at exec, kept in its execve_map entry: the reference that
 * matchCapabilityChanges (cap_changes.h) compares the current ones with, as Tetragon's execve_map
 * keeps them. Java writes the same fields when it seeds the map from /proc
 * (io.vigil.agent.process.ProcCaps). */
#ifndef VIGIL_EXEC_CAPS_H
#define VIGIL_EXEC_CAPS_H

#include "common.h"
#include "execve_map.h"

/* kernel_cap_t is a u64 since 6.3 and two u32 (low word first) before: 8 bytes either way. */
static __always_inline __u64 read_cap_set(const kernel_cap_t *set)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), set);
	return v;
}

/* The task's current credentials' capability sets into v. */
static __always_inline void exec_caps_snapshot(struct task_struct *task, struct execve_map_value *v)
{
	const struct cred *c = BPF_CORE_READ(task, cred);

	v->cap_effective = read_cap_set(&c->cap_effective);
	v->cap_inheritable = read_cap_set(&c->cap_inheritable);
	v->cap_permitted = read_cap_set(&c->cap_permitted);
}

/* A fork: the parent's reference, so that a change the parent made after its exec is still one
 * in the child (Tetragon copies the parent's entry). Unknown parent: the child's own. */
static __always_inline void exec_caps_inherit(struct task_struct *parent, struct task_struct *child,
					      struct execve_map_value *v)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	struct execve_map_value *p = bpf_map_lookup_elem(&execve_map, &ptgid);

	if (!p) {
		exec_caps_snapshot(child, v);
		return;
	}
	v->cap_effective = p->cap_effective;
	v->cap_inheritable = p->cap_inheritable;
	v->cap_permitted = p->cap_permitted;
}

#endif

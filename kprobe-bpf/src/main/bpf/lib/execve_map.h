/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The process table every sensor reads: execve_map, one entry per live thread group, keyed by
 * tgid (written by the exec and fork sensors, see process.h). The generic hook objects include
 * only this, not the exec/fork machinery. */
#ifndef VIGIL_EXECVE_MAP_H
#define VIGIL_EXECVE_MAP_H

#include "common.h"

#define VIGIL_EXECVE_MAP_ENTRIES 65536
#define VIGIL_NSEC_PER_TICK 10000000ULL /* USER_HZ is 100 on every Linux ABI we support */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VIGIL_EXECVE_MAP_ENTRIES);
	__type(key, __u32);
	__type(value, struct execve_map_value);
} execve_map SEC(".maps");

/* matchBinaries bits of processes that were running before the tables that give them existed (they
 * exec'd earlier): written by Java (io.vigil.agent.policy.runtime.BinarySeeds) whenever the tables
 * change, keyed by incarnation so that a reused pid never inherits them. Java deletes the entries of
 * processes that are gone each time it writes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VIGIL_EXECVE_MAP_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct msg_execve_key);
	__type(value, __u64);
} bin_seed SEC(".maps");

/* The matchBinaries bits of a process: from its exec (or its parent's), plus its seed. */
static __always_inline __u64 proc_bin_bits(struct execve_map_value *v)
{
	__u64 *seed = bpf_map_lookup_elem(&bin_seed, &v->key);

	return v->bin_bits | (seed ? *seed : 0);
}

static __always_inline __u64 guessed_ktime(struct task_struct *task)
{
	__u64 boot = 0;

	if (bpf_core_field_exists(task->start_boottime))
		boot = BPF_CORE_READ(task, start_boottime);
	return boot / VIGIL_NSEC_PER_TICK * VIGIL_NSEC_PER_TICK;
}

#endif

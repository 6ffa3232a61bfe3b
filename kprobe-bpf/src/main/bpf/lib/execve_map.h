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

static __always_inline __u64 guessed_ktime(struct task_struct *task)
{
	__u64 boot = 0;

	if (bpf_core_field_exists(task->start_boottime))
		boot = BPF_CORE_READ(task, start_boottime);
	return boot / VIGIL_NSEC_PER_TICK * VIGIL_NSEC_PER_TICK;
}

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Fork sensor: a new thread group. Threads (child pid != tgid) are ignored.
 *
 *   hook(parent, child) -> handle_fork: execve_map[child tgid] = {fork key, parent key}
 *                       -> clone record
 */
#include "lib/process.h"

/* backend: tracepoint */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(vigil_fork_rawtp, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(parent, child);
}

/* backend: kprobe, Tetragon's hook: the child is fully set up and not yet running */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(vigil_fork_kprobe, struct task_struct *child)
{
	return handle_fork((struct task_struct *)bpf_get_current_task(), child);
}

/* backend: fentry */
SEC("fentry/wake_up_new_task")
int BPF_PROG(vigil_fork_fentry, struct task_struct *child)
{
	return handle_fork((struct task_struct *)bpf_get_current_task(), child);
}

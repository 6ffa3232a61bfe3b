// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Exit sensor: the last thread of a thread group exits.
 *
 *   hook(current) -> group dead? -> exit record {key, exit_code} -> delete execve_map[tgid]
 */
#include "lib/process.h"

/* backend: tracepoint. Fires for every thread; signal->live reaches 0 in do_exit before the
 * tracepoint only for the last one. */
SEC("tracepoint/sched/sched_process_exit")
int vigil_exit_tp(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	return handle_exit(task);
}

/* backend: kprobe, Tetragon's hook: do_exit calls acct_process only when the group is dead */
SEC("kprobe/acct_process")
int BPF_KPROBE(vigil_exit_kprobe)
{
	return handle_exit((struct task_struct *)bpf_get_current_task());
}

/* backend: fentry */
SEC("fentry/acct_process")
int BPF_PROG(vigil_exit_fentry)
{
	return handle_exit((struct task_struct *)bpf_get_current_task());
}

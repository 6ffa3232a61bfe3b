// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Exec sensor. Every backend uses the sched_process_exec tracepoint, as Tetragon does: it is
 * the first point where the new image's argv (mm->arg_start) is in place; kprobe and fentry
 * offer no better hook for it.
 *
 *   sched_process_exec -> handle_exec(current): binary, argv, cwd, creds, parent key
 *                      -> execve_map[tgid] = {exec key, parent key} -> ring buffer
 */
#include "lib/process.h"
#include "lib/socktrack.h"   /* declared here only to be shared with the policy hooks */

/* backend: tracepoint (any kernel with tracepoints) */
SEC("tracepoint/sched/sched_process_exec")
int vigil_exec_tp(void *ctx)
{
	return handle_exec((struct task_struct *)bpf_get_current_task());
}

/* backend: fentry (BTF-typed tracepoint, no probe reads of the context) */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(vigil_exec_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return handle_exec(p);
}

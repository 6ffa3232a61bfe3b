/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The process model shared by the exec, fork and exit sensors.
 *
 * execve_map holds one entry per live thread group, keyed by tgid: the incarnation key
 * {tgid, ktime of its exec or fork} and the key of the parent that forked it. A reused pid
 * gets a new ktime, so keys never collide across pid reuse. Java seeds the map from /proc at
 * start-up (io.vigil.agent.process.ProcFsScanner); a task missing from it gets the key Java
 * would have given it: its start time rounded down to clock ticks (/proc/PID/stat's unit). */
#ifndef VIGIL_PROCESS_H
#define VIGIL_PROCESS_H

#include "common.h"
#include "path.h"
#include "execve_map.h"
#include "binaries.h"
#include "exec_caps.h"

#define VIGIL_PF_KTHREAD 0x00200000     /* include/linux/sched.h: kernel threads are not processes */

/* Scratch for one exec record: the header, then binary, argv and cwd back to back. The
 * slack after each section lets the verifier bound the masked offsets. */
#define VIGIL_EXEC_DATA (VIGIL_PATH_MAX * 4)
struct exec_buf {
	struct msg_exec hdr;
	char data[VIGIL_EXEC_DATA];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_buf);
} exec_heap SEC(".maps");

/* The current key of a parent thread group, or the key /proc would have given it. */
static __always_inline void parent_key_of(struct task_struct *task, struct msg_execve_key *key, __u32 *flags,
					  __u64 *bin_bits)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct execve_map_value *v = bpf_map_lookup_elem(&execve_map, &tgid);

	if (v) {
		key->pid = v->key.pid;
		key->ktime = v->key.ktime;
		*bin_bits = proc_bin_bits(v);
		return;
	}
	key->pid = tgid;
	key->ktime = guessed_ktime(task);
	*flags |= VIGIL_EXEC_FLAG_PARENT_GUESSED;
	stat_inc(VIGIL_STAT_PARENT_MISSING);
}

static __always_inline void read_cred(struct task_struct *task, struct msg_cred *c)
{
	const struct cred *cred = BPF_CORE_READ(task, cred);

	c->uid = BPF_CORE_READ(cred, uid.val);
	c->euid = BPF_CORE_READ(cred, euid.val);
	c->gid = BPF_CORE_READ(cred, gid.val);
	c->egid = BPF_CORE_READ(cred, egid.val);
	c->auid = 0xffffffff;
	if (bpf_core_field_exists(task->loginuid))
		c->auid = BPF_CORE_READ(task, loginuid.val);
	c->pad = 0;
}

/* Builds and sends the exec record for the current task, which has just exec'd. */
static __always_inline int handle_exec(struct task_struct *task)
{
	__u32 zero = 0, tgid = BPF_CORE_READ(task, tgid);
	struct exec_buf *b = bpf_map_lookup_elem(&exec_heap, &zero);
	struct execve_map_value *old, nv = {};
	__u64 old_bits = 0;
	struct mm_struct *mm;
	struct file *exe;
	struct path *root;
	__u64 arg_start, arg_end, len, off;
	long r;
	int trunc = 0;

	if (!b) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return 0;
	}
	b->hdr.common.op = VIGIL_MSG_OP_EXEC;
	b->hdr.common.pad0 = 0;
	b->hdr.common.pad1 = 0;
	b->hdr.common.ktime = bpf_ktime_get_boot_ns();
	b->hdr.process.pid = tgid;
	b->hdr.process.ktime = b->hdr.common.ktime;
	b->hdr.tid = BPF_CORE_READ(task, pid);
	b->hdr.flags = VIGIL_EXEC_FLAG_EXECVE;
	b->hdr.cgroup_id = bpf_get_current_cgroup_id();
	b->hdr.pad = 0;
	read_cred(task, &b->hdr.cred);

	/* The parent is whoever forked this thread group, as the fork sensor recorded it. */
	old = bpf_map_lookup_elem(&execve_map, &tgid);
	if (old) {
		b->hdr.parent = old->pkey;
		b->hdr.flags |= old->flags & VIGIL_EXEC_FLAG_PARENT_GUESSED;
		old_bits = proc_bin_bits(old);
	} else {
		/* not forked under our eyes: the parent's bits stand for the old image's */
		parent_key_of(BPF_CORE_READ(task, real_parent), &b->hdr.parent, &b->hdr.flags, &old_bits);
	}

	/* binary: the file now mapped as the executable */
	mm = BPF_CORE_READ(task, mm);
	exe = BPF_CORE_READ(mm, exe_file);
	root = &BPF_CORE_READ(task, fs)->root;
	r = write_path(BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt), root, b->data, &trunc);
	if (r < 0)
		return 0;
	if (trunc)
		b->hdr.flags |= VIGIL_EXEC_FLAG_TRUNC_PATH;
	off = bounded(r, 4095);
	b->hdr.binary_len = off;
	nv.bin_bits = exec_bin_bits(b->data, off, old_bits);

	/* argv, NUL-separated, as the new image sees it */
	arg_start = BPF_CORE_READ(mm, arg_start);
	arg_end = BPF_CORE_READ(mm, arg_end);
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > VIGIL_ARGS_MAX) {
		len = VIGIL_ARGS_MAX;
		b->hdr.flags |= VIGIL_EXEC_FLAG_TRUNC_ARGS;
	}
	if (bpf_probe_read_user(b->data + bounded(off, 4095), bounded(len, 2047), (void *)arg_start) < 0)
		len = 0;
	/* drop the terminating NUL of the last argument */
	if (len > 0 && b->data[bounded(off + len - 1, 16383)] == 0)
		len--;
	b->hdr.args_len = len;
	off = bounded(off + len, 8191);

	/* cwd */
	r = write_path(BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt), root,
		       b->data + bounded(off, 8191), &trunc);
	if (r < 0) {
		b->hdr.flags |= VIGIL_EXEC_FLAG_ERROR_CWD;
		r = 0;
	}
	if (trunc)
		b->hdr.flags |= VIGIL_EXEC_FLAG_TRUNC_CWD;
	b->hdr.cwd_len = bounded(r, 4095);

	nv.key = b->hdr.process;
	nv.pkey = b->hdr.parent;
	nv.flags = b->hdr.flags;
	exec_caps_snapshot(task, &nv);
	if (bpf_map_update_elem(&execve_map, &tgid, &nv, BPF_ANY))
		stat_inc(VIGIL_STAT_EXECVE_MAP_FULL);

	len = sizeof(struct msg_exec) + b->hdr.binary_len + b->hdr.args_len + b->hdr.cwd_len;
	if (len > sizeof(struct exec_buf))
		len = sizeof(struct exec_buf);
	b->hdr.common.size = len;
	submit_event(b, len);
	return 0;
}

/* A new thread group: record it with its parent's key and tell user space. */
static __always_inline int handle_fork(struct task_struct *parent, struct task_struct *child)
{
	struct execve_map_value nv = {};
	struct msg_clone m = {};
	__u32 tgid = BPF_CORE_READ(child, tgid);

	if (BPF_CORE_READ(child, pid) != tgid)
		return 0; /* a new thread, not a new process */
	if (BPF_CORE_READ(child, flags) & VIGIL_PF_KTHREAD)
		return 0;

	parent_key_of(parent, &nv.pkey, &nv.flags, &nv.bin_bits); /* same binary as the parent */
	nv.key.pid = tgid;
	nv.key.ktime = bpf_ktime_get_boot_ns();
	nv.flags |= VIGIL_EXEC_FLAG_CLONE;
	exec_caps_inherit(parent, child, &nv);
	if (bpf_map_update_elem(&execve_map, &tgid, &nv, BPF_ANY))
		stat_inc(VIGIL_STAT_EXECVE_MAP_FULL);

	m.common.op = VIGIL_MSG_OP_CLONE;
	m.common.size = sizeof(m);
	m.common.ktime = nv.key.ktime;
	m.process = nv.key;
	m.parent = nv.pkey;
	m.tid = tgid;
	m.flags = nv.flags;
	submit_event(&m, sizeof(m));
	return 0;
}

/* The thread group of task is gone (its last thread is exiting). Only the caller that removes
 * the execve_map entry reports it: with the tracepoint backend a thread that dropped
 * signal->live earlier can reach the hook after the last one and also see 0. A process missing
 * from the map (exited between attach and the /proc seeding) is reported by its leader only,
 * under the key /proc would have given it. */
static __always_inline int handle_exit(struct task_struct *task)
{
	struct msg_exit m = {};
	struct execve_map_value *v;
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (BPF_CORE_READ(task, flags) & VIGIL_PF_KTHREAD)
		return 0;
	v = bpf_map_lookup_elem(&execve_map, &tgid);
	if (v) {
		m.process = v->key;
		if (bpf_map_delete_elem(&execve_map, &tgid))
			return 0; /* another thread of the group reported it */
	} else {
		if (BPF_CORE_READ(task, pid) != tgid)
			return 0;
		m.process.pid = tgid;
		m.process.ktime = guessed_ktime(task);
	}
	m.common.op = VIGIL_MSG_OP_EXIT;
	m.common.size = sizeof(m);
	m.common.ktime = bpf_ktime_get_boot_ns();
	m.tid = BPF_CORE_READ(task, pid);
	m.exit_code = BPF_CORE_READ(task, exit_code);
	submit_event(&m, sizeof(m));
	return 0;
}

#endif

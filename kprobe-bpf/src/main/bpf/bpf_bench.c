// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Benchmark-only source. bench/PipelineBench: one record per getppid() of one process, so that
 * the pipeline can be driven at a known rate. bench/OpenLoopBench: an empty program on
 * sys_enter_openat, the floor any syscall-tracepoint hook pays. Never loaded by the agent.
 *
 *   sys_enter_getppid -> tgid == bench_config[0]? -> seq = bench_seq[0]++ -> bench record
 */
#include "lib/common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bench_config SEC(".maps");

/* records generated, whether or not the ring buffer took them */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bench_seq SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int vigil_bench_getppid(void *ctx)
{
	__u32 zero = 0, tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 *want = bpf_map_lookup_elem(&bench_config, &zero);
	__u64 *seq = bpf_map_lookup_elem(&bench_seq, &zero);
	struct msg_bench m = {};

	if (!want || !seq || *want != tgid)
		return 0;
	m.common.op = VIGIL_MSG_OP_BENCH;
	m.common.size = sizeof(m);
	m.common.ktime = bpf_ktime_get_boot_ns();
	m.pid = tgid;
	m.seq = __sync_fetch_and_add(seq, 1);
	submit_event(&m, sizeof(m));
	return 0;
}

/* does nothing: what the tracepoint itself costs (every syscall takes the slow path once one is attached) */
SEC("tracepoint/syscalls/sys_enter_openat")
int vigil_bench_empty_openat(void *ctx)
{
	return 0;
}

/* reads the file name's first 8 bytes and does nothing with them: the floor of any filter on the
 * name at this hook (the dispatcher's first step, OpenLoopBench's "name read" phase) */
SEC("tracepoint/syscalls/sys_enter_openat")
int vigil_bench_name8_openat(struct trace_event_raw_sys_enter *ctx)
{
	__u64 head = 0;

	return bpf_probe_read_user(&head, 8, (void *)ctx->args[1]) == 0 && head == 0;
}

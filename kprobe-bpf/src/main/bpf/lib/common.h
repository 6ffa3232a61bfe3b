/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What every sensor shares: the event ring buffer with batched wake-ups, the loss counters. */
#ifndef VIGIL_COMMON_H
#define VIGIL_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "vigil_msg.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* One ring buffer for all sensors; every object declares it and the loader shares one fd
 * (io.vigil.agent.sensors.SensorLoader reuses maps by name). */
#define VIGIL_RINGBUF_BYTES (16 * 1024 * 1024)
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VIGIL_RINGBUF_BYTES);
} events SEC(".maps");

/* Per-CPU counters indexed by enum vigil_stat_index; Java sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VIGIL_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} vigil_stats SEC(".maps");

/* x & mask, in a form the compiler cannot fold away: the verifier needs to see the mask right
 * before the pointer arithmetic that uses it. */
#define bounded(x, mask) ({ __u64 __v = (x); asm volatile("%0 &= " #mask : "+r"(__v)); __v; })

/* min(x, max) with the comparison on the register the caller then uses, so that the verifier
 * sees the bound (a plain ternary may be compiled into a form it cannot follow). */
#define clamp_max(x, max) ({ __u64 __c = (x); if (__c > (max)) __c = (max); asm volatile("" : "+r"(__c)); __c; })

/* An index already checked against max, clamped again in the register that is used: older
 * verifiers (6.1) lose a bound checked on one copy of a spilled value when another copy is
 * used. Never changes a value that passed the check. */
#define index_max(x, max) ({ __u64 __i = (x); asm volatile("if %0 <= %1 goto +1; %0 = %1" : "+r"(__i) : "i"(max)); __i; })

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&vigil_stats, &idx);

	if (v)
		*v += 1;
}

/* Wake the consumer only when the data waiting crosses a multiple of this: a wake-up per event
 * costs the producing process a few microseconds (an exec loop pays it twice per process; in a VM
 * each is an interrupt). The consumer polls with a short timeout, so a quiet machine still sees
 * events within that timeout. Once per crossing, not for every event above the mark: poll on a
 * ring buffer is level-triggered, so a consumer that is awake (busy consuming) needs no wake-up,
 * and one that went back to sleep with this much waiting is woken by the next crossing. Two
 * producers racing past the same mark may both wake it, or neither (then the next mark, or the
 * poll timeout, does). Power of two: the division is a shift. */
#define VIGIL_WAKEUP_BYTES (256 * 1024)
/* A record's footprint in the ring: the kernel's 8-byte header (BPF_RINGBUF_HDR_SZ), rounded up to
 * 8, so that the crossing test sees the bytes the ring really gains. */
#define VIGIL_RINGBUF_FOOTPRINT(size) (((size) + 8 + 7) & ~7ULL)

static __always_inline void submit_event(void *data, __u64 size)
{
	__u64 flags = BPF_RB_NO_WAKEUP;
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	if (avail / VIGIL_WAKEUP_BYTES != (avail + VIGIL_RINGBUF_FOOTPRINT(size)) / VIGIL_WAKEUP_BYTES)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, data, size, flags)) {
		stat_inc(VIGIL_STAT_RINGBUF_FULL);
		return;
	}
	stat_inc(VIGIL_STAT_EVENTS_SENT);
}

#endif

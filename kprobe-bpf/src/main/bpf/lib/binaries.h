/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* matchBinaries in the base sensors: which matchBinaries filters (bits allocated by Java, see
 * generic_abi.h) the binary of a process satisfies, kept in execve_map_value.bin_bits so that a
 * hook tests one bit instead of comparing paths.
 *
 *   exec: bin_bits = bin_names[path] | bin_prefix[path] | bin_postfix[reversed path]
 *                    | (old bin_bits & bin_follow[0])       (followChildren bits survive exec)
 *   fork: the child runs the parent's binary, so it inherits the parent's bin_bits whole.
 *
 * Java side: io.vigil.bpf.generic.BinaryTables writes these maps. */
#ifndef VIGIL_BINARIES_H
#define VIGIL_BINARIES_H

#include "common.h"
#include "generic_abi.h"

#define VIGIL_BIN_ENTRIES 1024

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VIGIL_BIN_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bin_path_key);
	__type(value, __u64);
} bin_names SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VIGIL_BIN_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bin_lpm_key);
	__type(value, __u64);
} bin_prefix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VIGIL_BIN_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bin_lpm_key);
	__type(value, __u64);
} bin_postfix SEC(".maps");

/* [0]: the followChildren bits, kept across exec */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bin_follow SEC(".maps");

/* [0]: every allocated bit. 0 (no policy uses matchBinaries) lets exec skip the three lookups,
 * which keeps the exec-loop cost of the sensor unchanged. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bin_alloc SEC(".maps");

struct bin_scratch {
	struct bin_path_key name;
	struct bin_lpm_key lpm;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bin_scratch);
} bin_heap SEC(".maps");

static long bin_reverse_step(__u32 i, void *ctx)
{
	__u32 zero = 0;
	struct bin_scratch *s = bpf_map_lookup_elem(&bin_heap, &zero);
	__u32 j;
	char c;

	if (!s || i >= s->len / 2)
		return 1;
	j = s->len - 1 - i;
	c = s->lpm.path[i & 255];
	s->lpm.path[i & 255] = s->lpm.path[j & 255];
	s->lpm.path[j & 255] = c;
	return 0;
}

static __always_inline __u64 bin_lookup(void *map, void *key)
{
	__u64 *v = bpf_map_lookup_elem(map, key);

	return v ? *v : 0;
}

/* The bin_bits of a process that has just exec'd path (len bytes, no NUL; any readable memory). */
static __always_inline __u64 exec_bin_bits(const char *path, __u32 len, __u64 old_bits)
{
	__u32 zero = 0;
	__u64 *alloc = bpf_map_lookup_elem(&bin_alloc, &zero);
	__u64 *follow, bits;
	struct bin_scratch *s;
	__u32 n;

	if (!alloc || !*alloc)
		return 0;
	follow = bpf_map_lookup_elem(&bin_follow, &zero);
	bits = follow ? old_bits & *follow : 0;
	s = bpf_map_lookup_elem(&bin_heap, &zero);
	if (!s) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return bits;
	}
	__builtin_memset(&s->name, 0, sizeof(s->name));
	__builtin_memset(&s->lpm, 0, sizeof(s->lpm));
	if (len <= VIGIL_GEN_STR_KEY - 1) {
		bpf_probe_read_kernel(s->name.path, bounded(len, 255), path);
		bits |= bin_lookup(&bin_names, &s->name);
	}
	/* prefix: the first 256 bytes */
	n = clamp_max(len, VIGIL_GEN_STR_KEY);
	s->len = n;
	s->lpm.prefixlen = 8 * n;
	bpf_probe_read_kernel(s->lpm.path, n, path);
	bits |= bin_lookup(&bin_prefix, &s->lpm);
	/* postfix: the last 256 bytes, reversed */
	bpf_probe_read_kernel(s->lpm.path, n, path + (len - n));
	bpf_loop(VIGIL_GEN_STR_KEY / 2, bin_reverse_step, NULL, 0);
	bits |= bin_lookup(&bin_postfix, &s->lpm);
	return bits;
}

#endif

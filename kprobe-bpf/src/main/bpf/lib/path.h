/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A bounded d_path: bpf_d_path exists only for fentry/LSM programs, so walk the dentries.
 *
 * Pass 1 (path_climb) climbs from the dentry to the root, crossing mount points, and records
 * up to VIGIL_PATH_DEPTH component names. Pass 2 (path_emit) writes them root-first into the
 * per-CPU scratch. Both run under bpf_loop (5.17+), so the verifier checks each body once
 * instead of unrolling the walk; every index is masked so it can bound them. */
#ifndef VIGIL_PATH_H
#define VIGIL_PATH_H

#include "common.h"

#define VIGIL_NAME_MAX 256

struct path_scratch {
	const unsigned char *names[VIGIL_PATH_DEPTH];
	struct dentry *dentry;
	struct mount *mnt;
	struct dentry *root_dentry;  /* the task's root (chroot): paths stop there, as d_path's do */
	struct mount *root_mnt;
	__u32 n;
	__u32 off;
	__u32 truncated;
	__u32 pad;
	char buf[VIGIL_PATH_MAX + VIGIL_NAME_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} path_heap SEC(".maps");

static long path_climb(__u32 i, void *ctx)
{
	__u32 zero = 0;
	struct path_scratch *s = bpf_map_lookup_elem(&path_heap, &zero);
	struct dentry *dentry, *parent, *mnt_root;
	struct mount *mnt, *mnt_parent;

	if (!s)
		return 1;
	dentry = s->dentry;
	mnt = s->mnt;
	if (dentry == s->root_dentry && mnt == s->root_mnt)
		return 1;
	parent = BPF_CORE_READ(dentry, d_parent);
	mnt_root = mnt ? BPF_CORE_READ(mnt, mnt.mnt_root) : 0;
	if (dentry == mnt_root || dentry == parent) {
		if (!mnt)
			return 1; /* a bare dentry (no mount): the root of its filesystem */
		mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (dentry != mnt_root || mnt_parent == mnt || !mnt_parent)
			return 1; /* the root of the root mount */
		s->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		s->mnt = mnt_parent;
		return 0;
	}
	if (s->n >= VIGIL_PATH_DEPTH) {
		s->truncated = 1;
		return 1;
	}
	s->names[bounded(s->n, 31)] = BPF_CORE_READ(dentry, d_name.name);
	s->n++;
	s->dentry = parent;
	return 0;
}

static long path_emit(__u32 i, void *ctx)
{
	__u32 zero = 0, off;
	struct path_scratch *s = bpf_map_lookup_elem(&path_heap, &zero);
	long r;

	if (!s || i >= s->n)
		return 1;
	off = s->off;
	if (off > VIGIL_PATH_MAX - VIGIL_NAME_MAX - 2) {
		s->truncated = 1;
		return 1;
	}
	s->buf[bounded(off, 4095)] = '/';
	off++;
	r = bpf_probe_read_kernel_str(s->buf + bounded(off, 4095), VIGIL_NAME_MAX,
				      s->names[bounded(s->n - 1 - i, 31)]);
	if (r > 1)
		off += r - 1;
	s->off = off;
	return 0;
}

/* Writes the path of (dentry, vfsmnt) as seen from root (the task's fs->root) into dst, which
 * must have VIGIL_PATH_MAX bytes. vfsmnt NULL: the path inside the dentry's filesystem.
 * Returns the length written (no NUL counted) and sets *truncated when components were
 * dropped; returns a negative value when no scratch memory was available. */
static __always_inline long write_path(struct dentry *dentry, struct vfsmount *vfsmnt,
				       struct path *root, char *dst, int *truncated)
{
	__u32 zero = 0, len;
	struct path_scratch *s = bpf_map_lookup_elem(&path_heap, &zero);

	*truncated = 0;
	if (!s) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return -1;
	}
	s->dentry = dentry;
	s->mnt = vfsmnt ? container_of(vfsmnt, struct mount, mnt) : 0;
	s->root_dentry = BPF_CORE_READ(root, dentry);
	s->root_mnt = container_of(BPF_CORE_READ(root, mnt), struct mount, mnt);
	s->n = 0;
	s->off = 0;
	s->truncated = 0;
	bpf_loop(VIGIL_PATH_DEPTH * 2, path_climb, NULL, 0);
	if (s->n == 0) {
		dst[0] = '/';
		return 1;
	}
	bpf_loop(VIGIL_PATH_DEPTH, path_emit, NULL, 0);
	*truncated = s->truncated;
	len = s->off;
	len = bounded(len, 4095);
	bpf_probe_read_kernel(dst, len, s->buf);
	return len;
}

#endif

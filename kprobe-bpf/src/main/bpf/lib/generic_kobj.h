/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Kernel objects the generic hooks send as a string (Tetragon's dentry, kiocb, net_device
 * argument types): a path or a name, so the string filters (Equal, Prefix, Postfix) apply as to
 * file and path. Included by generic.h after gen_write_path/gen_write_file. Java decodes them in
 * io.vigil.agent.policy.events.ArgDecoder (path_arg, file_arg, net_dev_arg). */
#ifndef VIGIL_GENERIC_KOBJ_H
#define VIGIL_GENERIC_KOBJ_H

#define GEN_IFNAMSIZ 16

/* A dentry carries no mount, so its path stops at the root of its filesystem, as Tetragon's
 * does: on the root filesystem that is the full path, on a tmpfs the path inside it. */
static __always_inline long gen_write_dentry(struct dentry *d, char *dst, __u32 *flags)
{
	if (!d) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int trunc = 0;
	long r = write_path(d, 0, &BPF_CORE_READ(task, fs)->root, dst, &trunc);

	if (r < 0) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	if (trunc)
		*flags |= VIGIL_GEN_ARGMSG_TRUNCATED;
	return r;
}

static __always_inline long gen_write_netdev(struct net_device *dev, char *dst, __u32 *flags)
{
	long len;

	if (!dev) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	len = bpf_core_read_str(dst, GEN_IFNAMSIZ, &dev->name);
	if (len <= 0) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	return len - 1;   /* the NUL */
}

/* One of VIGIL_GEN_TYPE_DENTRY, _KIOCB, _NET_DEVICE into dst; returns the bytes written. */
static __always_inline long gen_write_kobj(__u8 type, __u64 v, char *dst, __u32 *flags)
{
	switch (type) {
	case VIGIL_GEN_TYPE_DENTRY:
		return gen_write_dentry((struct dentry *)v, dst, flags);
	case VIGIL_GEN_TYPE_KIOCB:
		return gen_write_file(v ? BPF_CORE_READ((struct kiocb *)v, ki_filp) : 0, dst, flags);
	default:
		return gen_write_netdev((struct net_device *)v, dst, flags);
	}
}

#endif

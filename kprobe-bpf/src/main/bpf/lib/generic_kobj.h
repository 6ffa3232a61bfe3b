/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Kernel objects the generic hooks read through CO-RE (Tetragon's dentry, kiocb, net_device,
 * bpf_attr, bpf_map, user_namespace, module argument types). dentry, kiocb and net_device go as a string (a path or a
 * name), so the string filters (Equal, Prefix, Postfix) apply as to file and path; bpf_attr,
 * bpf_map, user_namespace and module go as a struct of generic_abi.h and are not filtered (as in Tetragon). Included by generic.h after gen_write_path/gen_write_file. Java decodes them in
 * io.vigil.agent.policy.events.ArgDecoder (path_arg, file_arg, net_dev_arg, bpf_attr_arg, bpf_map_arg, user_ns_arg, module_arg). */
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

/* BPF_PROG_LOAD's attributes, from the kernel's copy of union bpf_attr (bpf_check's). */
static __always_inline long gen_write_bpf_attr(union bpf_attr *attr, struct msg_gen_bpf_attr *m, __u32 *flags)
{
	if (!attr) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	m->prog_type = BPF_CORE_READ(attr, prog_type);
	m->insn_cnt = BPF_CORE_READ(attr, insn_cnt);
	bpf_core_read(m->prog_name, sizeof(m->prog_name), &attr->prog_name);
	return sizeof(*m);
}

static __always_inline long gen_write_bpf_map(struct bpf_map *map, struct msg_gen_bpf_map *m, __u32 *flags)
{
	if (!map) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	m->map_type = BPF_CORE_READ(map, map_type);
	m->key_size = BPF_CORE_READ(map, key_size);
	m->value_size = BPF_CORE_READ(map, value_size);
	m->max_entries = BPF_CORE_READ(map, max_entries);
	bpf_core_read(m->map_name, sizeof(m->map_name), &map->name);
	return sizeof(*m);
}

static __always_inline long gen_write_user_ns(struct user_namespace *ns, struct msg_gen_user_ns *m, __u32 *flags)
{
	if (!ns) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	m->level = BPF_CORE_READ(ns, level);
	m->uid = BPF_CORE_READ(ns, owner.val);
	m->gid = BPF_CORE_READ(ns, group.val);
	m->inum = BPF_CORE_READ(ns, ns.inum);
	return sizeof(*m);
}

static __always_inline long gen_write_module(struct module *mod, struct msg_gen_module *m, __u32 *flags)
{
	if (!mod) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	m->taints = BPF_CORE_READ(mod, taints);
	if (bpf_core_read_str(m->name, sizeof(m->name), &mod->name) <= 0)
		m->name[0] = 0;
	return sizeof(*m);
}

/* One of VIGIL_GEN_TYPE_DENTRY, _KIOCB, _NET_DEVICE, _BPF_ATTR, _BPF_MAP, _USER_NS, _MODULE into dst; returns the bytes written. */
static __always_inline long gen_write_kobj(__u8 type, __u64 v, char *dst, __u32 *flags)
{
	switch (type) {
	case VIGIL_GEN_TYPE_DENTRY:
		return gen_write_dentry((struct dentry *)v, dst, flags);
	case VIGIL_GEN_TYPE_KIOCB:
		return gen_write_file(v ? BPF_CORE_READ((struct kiocb *)v, ki_filp) : 0, dst, flags);
	case VIGIL_GEN_TYPE_BPF_ATTR:
		return gen_write_bpf_attr((union bpf_attr *)v, (struct msg_gen_bpf_attr *)dst, flags);
	case VIGIL_GEN_TYPE_BPF_MAP:
		return gen_write_bpf_map((struct bpf_map *)v, (struct msg_gen_bpf_map *)dst, flags);
	case VIGIL_GEN_TYPE_USER_NS:
		return gen_write_user_ns((struct user_namespace *)v, (struct msg_gen_user_ns *)dst, flags);
	case VIGIL_GEN_TYPE_MODULE:
		return gen_write_module((struct module *)v, (struct msg_gen_module *)dst, flags);
	default:
		return gen_write_netdev((struct net_device *)v, dst, flags);
	}
}

#endif

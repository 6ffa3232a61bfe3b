/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Kernel objects the generic hooks read through CO-RE (Tetragon's dentry, kiocb, net_device,
 * bpf_attr, bpf_map, user_namespace, module, perf_event, iov_iter argument types). dentry, kiocb and net_device go as a string (a path or a
 * name), so the string filters (Equal, Prefix, Postfix) apply as to file and path; bpf_attr,
 * bpf_map, user_namespace, module and perf_event go as a struct of generic_abi.h and are not filtered (as in Tetragon);
 * iov_iter goes as the bytes it points to (bytes_arg), not filtered either. Included by generic.h after gen_write_path/gen_write_file. Java decodes them in
 * io.vigil.agent.policy.events.ArgDecoder (path_arg, file_arg, net_dev_arg, bpf_attr_arg, bpf_map_arg, user_ns_arg, module_arg, perf_event_arg, bytes_arg). */
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

/* Whether a PMU name (8 bytes read from pmu->name) is the kprobe PMU's, whose events carry the
 * probed function in attr.config1 (kprobe_func) and its offset in attr.config2 (probe_offset). */
static __always_inline int gen_is_kprobe_pmu(const char *n)
{
	return n[0] == 'k' && n[1] == 'p' && n[2] == 'r' && n[3] == 'o' && n[4] == 'b' && n[5] == 'e' && n[6] == 0;
}

/* attr is the kernel's copy of perf_event_open's attributes; its kprobe_func is still the caller's
 * pointer (perf_kprobe_init copies the string but leaves the pointer), so it is read as user memory,
 * and only on the kprobe PMU: on other PMUs config1 is not a string. uprobe events (uprobe_path) are
 * not read: kprobe_func stays empty for them. */
static __always_inline long gen_write_perf_event(struct perf_event *e, struct msg_gen_perf_event *m, __u32 *flags)
{
	char pmu[8] = {};
	__u64 func;

	if (!e) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	__builtin_memset(m, 0, sizeof(*m));
	m->type = BPF_CORE_READ(e, attr.type);
	m->config = BPF_CORE_READ(e, attr.config);
	if (bpf_probe_read_kernel_str(pmu, sizeof(pmu), BPF_CORE_READ(e, pmu, name)) > 0 && gen_is_kprobe_pmu(pmu)) {
		m->probe_offset = BPF_CORE_READ(e, attr.probe_offset);
		func = BPF_CORE_READ(e, attr.kprobe_func);
		if (func && bpf_probe_read_user_str(m->kprobe_func, sizeof(m->kprobe_func), (void *)func) <= 0)
			m->kprobe_func[0] = 0;
	}
	return sizeof(*m);
}

/* The bytes an iov_iter points to (tty_write's data): ITER_UBUF's buffer, or ITER_IOVEC's first
 * segment, from iov_offset on, at most VIGIL_GEN_ARG_BYTES. TRUNCATED when the iterator holds more
 * (a longer buffer, or further segments, which are not read). Other iterator types (KVEC, BVEC,
 * ... kernel pages) are not read: no bytes, flag ERROR. The layout changed in 6.4 (ITER_UBUF became
 * 0, iov became __iov): the enum values are CO-RE relocated, and the segment array is read through
 * the kvec member, which sits where iov/__iov do and has struct iovec's layout on every kernel. */
static __always_inline long gen_write_iov_iter(struct iov_iter *it, char *dst, __u32 *flags)
{
	int ubuf_type = -1, iovec_type = -1;
	__u64 base, n, off, count;
	const struct kvec *seg;
	__u8 t;

	if (!it || !bpf_core_field_exists(it->iter_type)) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	if (bpf_core_enum_value_exists(enum iter_type, ITER_UBUF))
		ubuf_type = bpf_core_enum_value(enum iter_type, ITER_UBUF);
	if (bpf_core_enum_value_exists(enum iter_type, ITER_IOVEC))
		iovec_type = bpf_core_enum_value(enum iter_type, ITER_IOVEC);
	t = BPF_CORE_READ(it, iter_type);
	count = BPF_CORE_READ(it, count);
	off = BPF_CORE_READ(it, iov_offset);
	if (t == ubuf_type) {
		base = (__u64)BPF_CORE_READ(it, ubuf) + off;
		n = count;
	} else if (t == iovec_type) {
		seg = BPF_CORE_READ(it, kvec);
		base = (__u64)BPF_CORE_READ(seg, iov_base) + off;
		n = BPF_CORE_READ(seg, iov_len);
		n = n > off ? n - off : 0;
		if (n > count)
			n = count;
		if (count > n)
			*flags |= VIGIL_GEN_ARGMSG_TRUNCATED;
	} else {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	if (n > VIGIL_GEN_ARG_BYTES)
		*flags |= VIGIL_GEN_ARGMSG_TRUNCATED;
	n = clamp_max(n, VIGIL_GEN_ARG_BYTES);
	if (bpf_probe_read_user(dst, n, (void *)base) < 0) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	return n;
}

/* One of VIGIL_GEN_TYPE_DENTRY, _KIOCB, _NET_DEVICE, _BPF_ATTR, _BPF_MAP, _USER_NS, _MODULE, _PERF_EVENT, _IOV_ITER into dst; returns the bytes written. */
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
	case VIGIL_GEN_TYPE_PERF_EVENT:
		return gen_write_perf_event((struct perf_event *)v, (struct msg_gen_perf_event *)dst, flags);
	case VIGIL_GEN_TYPE_IOV_ITER:
		return gen_write_iov_iter((struct iov_iter *)v, dst, flags);
	default:
		return gen_write_netdev((struct net_device *)v, dst, flags);
	}
}

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The generic hook pipeline shared by bpf_generic_tp.c and bpf_generic_kprobe.c (the contract
 * is generic_abi.h). A backend only captures the raw argument values (gen_begin, then gen_capture
 * with its reader of one argument: generic_run.h):
 *
 *   entry:  capture raw[] (and char_buf sizes) -> fd args become their struct file *
 *           hook with RETURN? stash raw[] per thread, done
 *           else gen_run(no ret)
 *   return: take the stash -> gen_run(ret)
 *   gen_run: read every argument into the event (bpf_loop over args)
 *            -> selectors in order, first full match wins (selectors.h)
 *            -> actions (NOPOST, rate limit) -> one msg_generic to the ring buffer
 *
 * Everything big lives in the per-CPU gen_heap; the loops are bpf_loop callbacks, so the
 * verifier checks each body once whatever the config says. */
#ifndef VIGIL_GENERIC_H
#define VIGIL_GENERIC_H

#include <bpf/bpf_endian.h>
#include "common.h"
#include "path.h"
#include "execve_map.h"
#include "generic_abi.h"

#define GEN_VALUE_ENTRIES 1024    /* entries of each value map (Java writes at most this many) */
#define GEN_STASH_ENTRIES 16384   /* threads inside a hooked call at once (return hooks) */
#define GEN_OFF_MAX 16383         /* an argument's header starts at most here (a mask) */
#define GEN_DATA_BYTES (GEN_OFF_MAX + 1 + sizeof(struct msg_gen_arg) + VIGIL_GEN_ARG_BYTES + 64)

/* enum sock_type, AF_*, from the kernel headers vmlinux.h lacks (they are #defines) */
#define GEN_AF_INET 2
#define GEN_AF_INET6 10

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_config);
} gen_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GEN_VALUE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gen_str_key);
	__type(value, __u8);
} gen_str_eq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, GEN_VALUE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gen_lpm_str_key);
	__type(value, __u8);
} gen_prefix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, GEN_VALUE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gen_lpm_str_key);
	__type(value, __u8);
} gen_postfix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GEN_VALUE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gen_int_key);
	__type(value, __u8);
} gen_int_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, GEN_VALUE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gen_addr4_key);
	__type(value, __u8);
} gen_addr4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, GEN_VALUE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gen_addr6_key);
	__type(value, __u8);
} gen_addr6 SEC(".maps");

/* What a return hook keeps from the entry of a call, per thread. */
struct gen_stash {
	__u64 raw[VIGIL_GEN_MAX_ARGS];
	__u64 size[VIGIL_GEN_MAX_ARGS];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, GEN_STASH_ENTRIES);
	__type(key, __u64);              /* pid_tgid */
	__type(value, struct gen_stash);
} gen_stash SEC(".maps");

/* Post rateLimit: the last post per (selector, thread/process/everyone). */
struct gen_rate_key {
	__u32 sel;
	__u32 id;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct gen_rate_key);
	__type(value, __u64);
} gen_rate SEC(".maps");

/* Per-CPU working state of one call. */
struct gen_state {
	struct gen_stash in;             /* raw values (fd args already turned into struct file *) */
	__s64 ret;
	__u32 has_ret;
	__u32 off;                       /* bytes of data used */
	__u32 aoff[VIGIL_GEN_MAX_ARGS];  /* where argument i's bytes start in data */
	__u32 alen[VIGIL_GEN_MAX_ARGS];
	__u32 aerr[VIGIL_GEN_MAX_ARGS];  /* argument i could not be read */
	__u32 matched;                   /* selector that matched, or 0xff */
	__u64 ival[VIGIL_GEN_MAX_ARGS];  /* argument i as an integer, extended as its type says */
	__s32 verdict;                   /* Override chosen by gen_run: the error to return, else 0 */
	__u32 pad;
	struct msg_sockaddr ctx_sa;      /* VIGIL_GEN_ARG_CTX_TUPLE arguments (bpf_generic_sockaddr.c) */
	struct gen_str_key skey;
	struct gen_lpm_str_key lkey;
};

struct gen_heap {
	struct gen_state st;
	struct msg_generic hdr;          /* hdr and data are sent together */
	char data[GEN_DATA_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_heap);
} gen_heap SEC(".maps");

static __always_inline struct gen_heap *gen_heap_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&gen_heap, &zero);
}

static __always_inline struct gen_config *gen_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&gen_config, &zero);
}

static __always_inline int gen_type_signed(__u8 t)
{
	return t == VIGIL_GEN_TYPE_S8 || t == VIGIL_GEN_TYPE_S16 || t == VIGIL_GEN_TYPE_S32 ||
	       t == VIGIL_GEN_TYPE_S64 || t == VIGIL_GEN_TYPE_SIZE_T || t == VIGIL_GEN_TYPE_CAP;
}

static __always_inline int gen_type_int(__u8 t)
{
	return (t >= VIGIL_GEN_TYPE_S32 && t <= VIGIL_GEN_TYPE_U16) || t == VIGIL_GEN_TYPE_CAP ||
	       t == VIGIL_GEN_TYPE_CAP_SET;
}

static __always_inline int gen_type_string(__u8 t)
{
	return t == VIGIL_GEN_TYPE_STRING || t == VIGIL_GEN_TYPE_CHAR_BUF || t == VIGIL_GEN_TYPE_FD ||
	       t == VIGIL_GEN_TYPE_FILE || t == VIGIL_GEN_TYPE_PATH || t == VIGIL_GEN_TYPE_LINUX_BINPRM ||
	       t == VIGIL_GEN_TYPE_DENTRY || t == VIGIL_GEN_TYPE_KIOCB || t == VIGIL_GEN_TYPE_NET_DEVICE;
}

static __always_inline int gen_type_sock(__u8 t)
{
	return t == VIGIL_GEN_TYPE_SOCK || t == VIGIL_GEN_TYPE_SOCKET || t == VIGIL_GEN_TYPE_SKB ||
	       t == VIGIL_GEN_TYPE_SOCKADDR;
}

/* The value as filters compare it: sign-extended for signed types (size_t filters as s32, as in
 * Tetragon), zero-extended otherwise. */
static __always_inline __u64 gen_extend(__u8 t, __u64 v)
{
	switch (t) {
	case VIGIL_GEN_TYPE_S8: return (__s64)(__s8)v;
	case VIGIL_GEN_TYPE_U8: return (__u8)v;
	case VIGIL_GEN_TYPE_S16: return (__s64)(__s16)v;
	case VIGIL_GEN_TYPE_U16: return (__u16)v;
	case VIGIL_GEN_TYPE_S32:
	case VIGIL_GEN_TYPE_CAP:
	case VIGIL_GEN_TYPE_SIZE_T: return (__s64)(__s32)v;
	case VIGIL_GEN_TYPE_U32: return (__u32)v;
	default: return v;
	}
}

/* fd -> struct file * of the current task, or 0. Done at entry: a return hook on close(2) still
 * finds the file then (the final fput is deferred to the return to user space). */
static __always_inline __u64 gen_fd_file(__u64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = 0;

	if ((__s64)fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return (__u64)f;
}

static __always_inline int gen_arg_is_fd(struct gen_arg *a)
{
	return a->type == VIGIL_GEN_TYPE_FD || (a->flags & VIGIL_GEN_ARG_FROM_FD);
}

/* After a backend captured in.raw: constants, and fds resolved at entry (return values are
 * resolved by gen_fill_ret). */
static __always_inline void gen_capture_done(struct gen_heap *h, struct gen_config *cfg)
{
#pragma unroll
	for (int i = 0; i < VIGIL_GEN_MAX_ARGS; i++) {
		struct gen_arg *a = &cfg->args[i];

		if (i >= cfg->nargs)
			break;
		if (a->flags & VIGIL_GEN_ARG_CONST)
			h->st.in.raw[i] = a->ctx_off;
		else if (!(a->flags & VIGIL_GEN_ARG_FROM_RET) && gen_arg_is_fd(a))
			h->st.in.raw[i] = gen_fd_file(h->st.in.raw[i]);
	}
}

/* At return: arguments that are the return value (an fd resolved to its file). */
static __always_inline void gen_fill_ret(struct gen_heap *h, struct gen_config *cfg, __s64 ret)
{
#pragma unroll
	for (int i = 0; i < VIGIL_GEN_MAX_ARGS; i++) {
		struct gen_arg *a = &cfg->args[i];

		if (i >= cfg->nargs)
			break;
		if (a->flags & VIGIL_GEN_ARG_FROM_RET)
			h->st.in.raw[i] = gen_arg_is_fd(a) ? gen_fd_file(ret) : (__u64)ret;
	}
}

#define GEN_S_IFMT 00170000
#define GEN_S_IFSOCK 0140000

/* The struct socket * of a socket's file, or 0 for any other file. */
static __always_inline __u64 gen_file_socket(__u64 f)
{
	umode_t mode;

	if (!f)
		return 0;
	mode = BPF_CORE_READ((struct file *)f, f_inode, i_mode);
	if ((mode & GEN_S_IFMT) != GEN_S_IFSOCK)
		return 0;
	return (__u64)BPF_CORE_READ((struct file *)f, private_data);
}

static __always_inline long gen_read_mem(void *dst, __u32 size, __u64 src, int user)
{
	return user ? bpf_probe_read_user(dst, size, (void *)src) : bpf_probe_read_kernel(dst, size, (void *)src);
}

/* The task's view of paths ends at its root, as d_path's does. */
static __always_inline long gen_write_path(struct dentry *dentry, struct vfsmount *mnt, char *dst, __u32 *flags)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int trunc = 0;
	long r;

	if (!dentry || !mnt) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	r = write_path(dentry, mnt, &BPF_CORE_READ(task, fs)->root, dst, &trunc);
	if (r < 0) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	if (trunc)
		*flags |= VIGIL_GEN_ARGMSG_TRUNCATED;
	return r;
}

static __always_inline long gen_write_file(struct file *f, char *dst, __u32 *flags)
{
	if (!f) {
		*flags |= VIGIL_GEN_ARGMSG_ERROR;
		return 0;
	}
	return gen_write_path(BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt), dst, flags);
}

static __always_inline void gen_sock_tuple(struct sock *sk, struct msg_sockaddr *sa)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	sa->family = family;
	sa->type = BPF_CORE_READ(sk, sk_type);
	sa->protocol = BPF_CORE_READ(sk, sk_protocol);
	sa->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	sa->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	sa->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == GEN_AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)sa->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)sa->daddr, sk, __sk_common.skc_daddr);
	} else if (family == GEN_AF_INET6) {
		BPF_CORE_READ_INTO((struct in6_addr *)sa->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)sa->daddr, sk, __sk_common.skc_v6_daddr);
	}
}

/* IP and L4 headers of a packet. */
static __always_inline void gen_skb_tuple(struct sk_buff *skb, struct msg_sockaddr *sa)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header), th = BPF_CORE_READ(skb, transport_header);
	__u8 ver = 0;
	__u16 ports[2] = {};

	bpf_probe_read_kernel(&ver, 1, head + nh);
	ver >>= 4;
	if (ver == 4) {
		sa->family = GEN_AF_INET;
		bpf_probe_read_kernel(&sa->protocol, 1, head + nh + 9);
		bpf_probe_read_kernel(sa->saddr, 4, head + nh + 12);
		bpf_probe_read_kernel(sa->daddr, 4, head + nh + 16);
	} else if (ver == 6) {
		sa->family = GEN_AF_INET6;
		bpf_probe_read_kernel(&sa->protocol, 1, head + nh + 6);
		bpf_probe_read_kernel(sa->saddr, 16, head + nh + 8);
		bpf_probe_read_kernel(sa->daddr, 16, head + nh + 24);
	} else {
		return;
	}
	if (th != 0xffff && th != nh && bpf_probe_read_kernel(ports, sizeof(ports), head + th) == 0) {
		sa->sport = bpf_ntohs(ports[0]);
		sa->dport = bpf_ntohs(ports[1]);
	}
}

/* struct sockaddr_in / sockaddr_in6 / other: the address goes in daddr/dport (the peer of a
 * connect or sendto, the local end of a bind: filters on a sockaddr compare it for SAddr/SPort
 * as well, see selectors.h). */
static __always_inline long gen_sockaddr(__u64 ptr, int user, struct msg_sockaddr *sa)
{
	__u8 b[28] = {};   /* sizeof(struct sockaddr_in6) */

	if (gen_read_mem(b, sizeof(b), ptr, user) < 0 && gen_read_mem(b, 16, ptr, user) < 0)
		return -1;
	sa->family = *(__u16 *)b;
	if (sa->family == GEN_AF_INET) {
		sa->dport = bpf_ntohs(*(__u16 *)(b + 2));
		__builtin_memcpy(sa->daddr, b + 4, 4);
	} else if (sa->family == GEN_AF_INET6) {
		sa->dport = bpf_ntohs(*(__u16 *)(b + 2));
		__builtin_memcpy(sa->daddr, b + 8, 16);
	}
	return 0;
}

static __always_inline void gen_cred(struct cred *c, struct msg_gen_cred *m)
{
	m->uid = BPF_CORE_READ(c, uid.val);
	m->gid = BPF_CORE_READ(c, gid.val);
	m->suid = BPF_CORE_READ(c, suid.val);
	m->sgid = BPF_CORE_READ(c, sgid.val);
	m->euid = BPF_CORE_READ(c, euid.val);
	m->egid = BPF_CORE_READ(c, egid.val);
	m->fsuid = BPF_CORE_READ(c, fsuid.val);
	m->fsgid = BPF_CORE_READ(c, fsgid.val);
	/* kernel_cap_t is a u64 since 6.3 and two u32 before: the same 8 bytes either way */
	bpf_probe_read_kernel(&m->cap_effective, 8, &c->cap_effective);
	bpf_probe_read_kernel(&m->cap_permitted, 8, &c->cap_permitted);
}

#include "generic_kobj.h"   /* needs gen_write_file/gen_write_path above */

/* bpf_loop body: argument i into the event, after the previous ones. */
/* Follows an argument's resolve path (struct gen_resolve): the address of the final member, or 0
 * when a pointer on the way is NULL or unreadable. Kernel memory only (the planner refuses user). */
static __always_inline __u64 gen_resolve_addr(struct gen_resolve *r, __u64 p)
{
	__u32 n = r->nsteps;
	int k;

	if (n > VIGIL_GEN_RESOLVE_STEPS)
		return 0;
	for (k = 0; k < VIGIL_GEN_RESOLVE_STEPS - 1; k++) {
		if (k + 1 >= n)
			break;
		if (!p || bpf_probe_read_kernel(&p, sizeof(p), (void *)(p + r->off[k])) < 0)
			return 0;
	}
	if (!p)
		return 0;
	k = index_max(n - 1, VIGIL_GEN_RESOLVE_STEPS - 1);
	return p + r->off[k];
}

static long gen_read_arg(__u32 idx, void *ctx)
{
	__u64 i = idx;
	struct gen_heap *h = gen_heap_get();
	struct gen_config *cfg = gen_config_get();
	struct msg_gen_arg *m;
	struct gen_arg *a;
	__u32 off, flags = 0;
	__u64 v, n;
	long len = 0;
	char *dst;
	int user;

	barrier_var(i);   /* one 64-bit register for the check and the uses (see gen_try_selector) */
	if (!h || !cfg || i >= VIGIL_GEN_MAX_ARGS || i >= cfg->nargs)
		return 1;
	i = index_max(i, VIGIL_GEN_MAX_ARGS - 1);
	off = h->st.off;
	if (off > GEN_OFF_MAX) {
		stat_inc(VIGIL_STAT_GEN_TRUNCATED);
		return 1;
	}
	off = bounded(off, 16383);
	m = (struct msg_gen_arg *)(h->data + off);
	dst = h->data + off + sizeof(*m);
	a = &cfg->args[i];
	user = a->flags & VIGIL_GEN_ARG_USER;
	v = h->st.in.raw[i];
	if (cfg->resolve[i].nsteps) {
		struct gen_resolve *r = &cfg->resolve[i];
		__u32 sz = r->size;

		if (r->base == VIGIL_GEN_RESOLVE_TASK)
			v = bpf_get_current_task();
		v = gen_resolve_addr(r, v);
		if (sz) {   /* an integer member: its value; a string reads the char array at v below */
			__u64 x = 0;

			if (!v || bpf_probe_read_kernel(&x, clamp_max(sz, 8), (void *)v) < 0)
				flags |= VIGIL_GEN_ARGMSG_ERROR;
			v = x;
		}
	}
	h->st.ival[i] = gen_extend(a->type, v);

	switch (a->type) {
	case VIGIL_GEN_TYPE_S32: case VIGIL_GEN_TYPE_U32: case VIGIL_GEN_TYPE_S64: case VIGIL_GEN_TYPE_U64:
	case VIGIL_GEN_TYPE_S8: case VIGIL_GEN_TYPE_U8: case VIGIL_GEN_TYPE_S16: case VIGIL_GEN_TYPE_U16:
	case VIGIL_GEN_TYPE_CAP: case VIGIL_GEN_TYPE_CAP_SET:
		*(__u64 *)dst = h->st.ival[i];
		len = 8;
		break;
	case VIGIL_GEN_TYPE_SIZE_T:
		*(__u64 *)dst = v;   /* sent whole, filtered as s32 */
		len = 8;
		break;
	case VIGIL_GEN_TYPE_STRING:
		len = user ? bpf_probe_read_user_str(dst, VIGIL_GEN_ARG_BYTES, (void *)v)
			   : bpf_probe_read_kernel_str(dst, VIGIL_GEN_ARG_BYTES, (void *)v);
		if (len <= 0) {
			flags |= VIGIL_GEN_ARGMSG_ERROR;
			len = 0;
		} else {
			if (len == VIGIL_GEN_ARG_BYTES)
				flags |= VIGIL_GEN_ARGMSG_TRUNCATED;
			len--;   /* the NUL */
		}
		break;
	case VIGIL_GEN_TYPE_CHAR_BUF:
		if (a->flags & VIGIL_GEN_ARG_SIZE_RETURN)
			n = h->st.has_ret ? h->st.ret : 0;
		else if (a->size_src || a->size_ctx_size)
			n = h->st.in.size[i];
		else
			n = 0;
		if ((__s64)n < 0)
			n = 0;
		if (n > VIGIL_GEN_ARG_BYTES)
			flags |= VIGIL_GEN_ARGMSG_TRUNCATED;
		n = clamp_max(n, VIGIL_GEN_ARG_BYTES);
		if (gen_read_mem(dst, n, v, user) < 0) {
			flags |= VIGIL_GEN_ARGMSG_ERROR;
			n = 0;
		}
		len = n;
		break;
	case VIGIL_GEN_TYPE_FD:
	case VIGIL_GEN_TYPE_FILE:
		len = gen_write_file((struct file *)v, dst, &flags);
		break;
	case VIGIL_GEN_TYPE_PATH:
		len = gen_write_path(BPF_CORE_READ((struct path *)v, dentry), BPF_CORE_READ((struct path *)v, mnt),
				     dst, &flags);
		break;
	case VIGIL_GEN_TYPE_LINUX_BINPRM:
		len = gen_write_file(BPF_CORE_READ((struct linux_binprm *)v, file), dst, &flags);
		break;
	case VIGIL_GEN_TYPE_SOCK:
	case VIGIL_GEN_TYPE_SOCKET:
	case VIGIL_GEN_TYPE_SKB:
	case VIGIL_GEN_TYPE_SOCKADDR: {
		struct msg_sockaddr *sa = (struct msg_sockaddr *)dst;

		__builtin_memset(sa, 0, sizeof(*sa));
		len = sizeof(*sa);
		if (a->flags & VIGIL_GEN_ARG_CTX_TUPLE) {
			*sa = h->st.ctx_sa;
			break;
		}
		if (a->type != VIGIL_GEN_TYPE_SOCKADDR && (a->flags & VIGIL_GEN_ARG_FROM_FD)) {
			v = gen_file_socket(v);
			if (v && a->type == VIGIL_GEN_TYPE_SOCK)
				v = (__u64)BPF_CORE_READ((struct socket *)v, sk);
		}
		if (!v) {
			flags |= VIGIL_GEN_ARGMSG_ERROR;
			len = 0;
		} else if (a->type == VIGIL_GEN_TYPE_SOCK) {
			gen_sock_tuple((struct sock *)v, sa);
		} else if (a->type == VIGIL_GEN_TYPE_SOCKET) {
			gen_sock_tuple(BPF_CORE_READ((struct socket *)v, sk), sa);
			sa->type = BPF_CORE_READ((struct socket *)v, type);
		} else if (a->type == VIGIL_GEN_TYPE_SKB) {
			gen_skb_tuple((struct sk_buff *)v, sa);
		} else if (gen_sockaddr(v, user, sa) < 0) {
			flags |= VIGIL_GEN_ARGMSG_ERROR;
			len = 0;
		}
		break;
	}
	case VIGIL_GEN_TYPE_DENTRY:
	case VIGIL_GEN_TYPE_KIOCB:
	case VIGIL_GEN_TYPE_NET_DEVICE:
	case VIGIL_GEN_TYPE_BPF_ATTR:
	case VIGIL_GEN_TYPE_BPF_MAP:
	case VIGIL_GEN_TYPE_USER_NS:
	case VIGIL_GEN_TYPE_MODULE:
		len = gen_write_kobj(a->type, v, dst, &flags);
		break;
	case VIGIL_GEN_TYPE_CRED:
		if (!v) {
			flags |= VIGIL_GEN_ARGMSG_ERROR;
			break;
		}
		gen_cred((struct cred *)v, (struct msg_gen_cred *)dst);
		len = sizeof(struct msg_gen_cred);
		break;
	default:   /* NOP, NONE */
		break;
	}
	len = bounded(len, 8191);
	m->len = len;
	m->flags = flags;
	h->st.aoff[i] = off + sizeof(*m);
	h->st.alen[i] = len;
	h->st.aerr[i] = flags & VIGIL_GEN_ARGMSG_ERROR;
	h->st.off = off + sizeof(*m) + len;
	h->hdr.nargs = i + 1;
	return 0;
}

#endif

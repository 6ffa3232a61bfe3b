// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Generic hook sensor, tracepoint backend: one hook of a tracing policy (generic_abi.h) on a
 * tracepoint chosen at attach time. A syscall hook (VIGIL_GEN_HOOK_SYSCALL_TP) attaches
 * generic_tp_enter to syscalls/sys_enter_X and, with a return value, generic_tp_exit to
 * syscalls/sys_exit_X; a `tracepoints:` hook attaches generic_tp_enter to its event.
 *
 * generic_tp_btf serves a kernel function through a typed tracepoint that carries its argument
 * (security_bprm_check: tp_btf/sched_process_exec's bprm); the loader sets its target.
 *
 *   generic_tp_enter: record fields at gen_arg.ctx_off -> gen_entry (generic_run.h)
 *   generic_tp_exit:  ret at gen_config.ret_ctx_off    -> gen_return
 *   generic_tp_btf:   tracepoint argument gen_arg.src   -> gen_entry
 *
 * A member of a dispatcher (VIGIL_GEN_HOOK_MEMBER, bpf_generic_dispatch.c) is a generic_tp_enter
 * that is tail-called instead of attached; after its run it tail-calls the next member.
 */
#include "lib/generic_run.h"
#include "lib/generic_dispatch.h"

/* A field of the tracepoint record. ctx offsets must be constants for direct access, so the
 * record is read as memory. */
static __always_inline __u64 tp_field(void *ctx, __u16 off, __u8 size)
{
	void *p = (void *)((long)ctx + off);
	__u64 v = 0;

	switch (size) {
	case 1: { __u8 x = 0; bpf_probe_read_kernel(&x, 1, p); v = x; break; }
	case 2: { __u16 x = 0; bpf_probe_read_kernel(&x, 2, p); v = x; break; }
	case 4: { __u32 x = 0; bpf_probe_read_kernel(&x, 4, p); v = x; break; }
	default: bpf_probe_read_kernel(&v, 8, p); break;
	}
	return v;
}

/* gen_capture's reader: the record fields at gen_arg.ctx_off and size_ctx_off. */
static __always_inline __u64 tp_read(void *ctx, void *aux, struct gen_arg *a, int size)
{
	if (!size)
		return tp_field(ctx, a->ctx_off, a->ctx_size);
	return a->size_ctx_size ? tp_field(ctx, a->size_ctx_off, a->size_ctx_size) : 0;
}

SEC("tracepoint")
int generic_tp_enter(void *ctx)
{
	struct gen_heap *h;
	struct gen_config *cfg;

	if (!gen_begin(&h, &cfg))
		return 0;
	gen_capture(h, cfg, ctx, NULL, tp_read);
	gen_entry(h, cfg);
	if (cfg->flags & VIGIL_GEN_HOOK_MEMBER)
		gen_dispatch_member_done(ctx);
	return 0;
}

SEC("tracepoint")
int generic_tp_exit(void *ctx)
{
	struct gen_heap *h;
	struct gen_config *cfg;

	if (!gen_begin(&h, &cfg))
		return 0;
	return gen_return(h, cfg, (__s64)tp_field(ctx, cfg->ret_ctx_off, 8));
}

/* Argument pos of a typed tracepoint: ctx is its u64 array. Read as memory, as tp_field does, so
 * the verifier need not know how many arguments the target has. */
static __always_inline __u64 btf_arg(void *ctx, __u8 pos)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, 8, (void *)((long)ctx + 8 * (pos & 7)));
	return v;
}

/* gen_capture's reader: argument gen_arg.src, its size at size_src - 1. */
static __always_inline __u64 btf_read(void *ctx, void *aux, struct gen_arg *a, int size)
{
	if (!size)
		return btf_arg(ctx, a->src);
	return a->size_src ? btf_arg(ctx, a->size_src - 1) : 0;
}

SEC("tp_btf")
int generic_tp_btf(void *ctx)
{
	struct gen_heap *h;
	struct gen_config *cfg;

	if (!gen_begin(&h, &cfg))
		return 0;
	gen_capture(h, cfg, ctx, NULL, btf_read);
	return gen_entry(h, cfg);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Generic hook sensor, kprobe backend: one hook of a tracing policy (generic_abi.h) on a kernel
 * function chosen at attach time (generic_kprobe; generic_kretprobe too for a return value).
 * VIGIL_GEN_HOOK_SYSCALL_WRAPPER: the target is a __x64_sys_* wrapper, whose only argument is
 * the user's pt_regs; the syscall's arguments are read from there.
 *
 *   generic_kprobe:    function argument gen_arg.src (size: size_src - 1) -> gen_entry
 *   generic_kretprobe: the return register -> gen_return (generic_run.h)
 */
#include "lib/generic_run.h"

static __always_inline __u64 kp_arg(struct pt_regs *ctx, struct pt_regs *inner, __u8 pos)
{
	if (inner) {
		switch (pos) {
		case 0: return PT_REGS_PARM1_CORE_SYSCALL(inner);
		case 1: return PT_REGS_PARM2_CORE_SYSCALL(inner);
		case 2: return PT_REGS_PARM3_CORE_SYSCALL(inner);
		case 3: return PT_REGS_PARM4_CORE_SYSCALL(inner);
		case 4: return PT_REGS_PARM5_CORE_SYSCALL(inner);
#if defined(__TARGET_ARCH_x86)
		case 5: return BPF_CORE_READ(inner, r9);
#endif
		}
		return 0;
	}
	switch (pos) {
	case 0: return PT_REGS_PARM1(ctx);
	case 1: return PT_REGS_PARM2(ctx);
	case 2: return PT_REGS_PARM3(ctx);
	case 3: return PT_REGS_PARM4(ctx);
	case 4: return PT_REGS_PARM5(ctx);
#if defined(__TARGET_ARCH_x86)
	case 5: return ctx->r9;
#endif
	}
	return 0;
}

/* gen_capture's reader: argument gen_arg.src, its size at size_src - 1; aux is the syscall
 * wrapper's inner pt_regs, or NULL. */
static __always_inline __u64 kp_read(void *ctx, void *aux, struct gen_arg *a, int size)
{
	if (!size)
		return kp_arg(ctx, aux, a->src);
	return a->size_src ? kp_arg(ctx, aux, a->size_src - 1) : 0;
}

SEC("kprobe")
int generic_kprobe(struct pt_regs *ctx)
{
	struct gen_heap *h;
	struct gen_config *cfg;
	struct pt_regs *inner = NULL;

	if (!gen_begin(&h, &cfg))
		return 0;
	if (cfg->flags & VIGIL_GEN_HOOK_SYSCALL_WRAPPER)
		inner = (struct pt_regs *)PT_REGS_PARM1(ctx);
	gen_capture(h, cfg, ctx, inner, kp_read);
	return gen_entry(h, cfg);
}

SEC("kretprobe")
int generic_kretprobe(struct pt_regs *ctx)
{
	struct gen_heap *h;
	struct gen_config *cfg;

	if (!gen_begin(&h, &cfg))
		return 0;
	return gen_return(h, cfg, (__s64)PT_REGS_RC(ctx));
}

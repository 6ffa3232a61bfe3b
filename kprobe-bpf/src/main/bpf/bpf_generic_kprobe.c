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

SEC("kprobe")
int generic_kprobe(struct pt_regs *ctx)
{
	struct gen_heap *h = gen_heap_get();
	struct gen_config *cfg = gen_config_get();
	struct pt_regs *inner = NULL;

	if (!h || !cfg) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return 0;
	}
	if (cfg->flags & VIGIL_GEN_HOOK_SYSCALL_WRAPPER)
		inner = (struct pt_regs *)PT_REGS_PARM1(ctx);
#pragma unroll
	for (int i = 0; i < VIGIL_GEN_MAX_ARGS; i++) {
		struct gen_arg *a = &cfg->args[i];

		if (i >= cfg->nargs)
			break;
		h->st.in.raw[i] = kp_arg(ctx, inner, a->src);
		h->st.in.size[i] = a->size_src ? kp_arg(ctx, inner, a->size_src - 1) : 0;
	}
	return gen_entry(h, cfg);
}

SEC("kretprobe")
int generic_kretprobe(struct pt_regs *ctx)
{
	struct gen_heap *h = gen_heap_get();
	struct gen_config *cfg = gen_config_get();

	if (!h || !cfg) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return 0;
	}
	return gen_return(h, cfg, (__s64)PT_REGS_RC(ctx));
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Generic hook sensor, BPF LSM: one hook of a tracing policy (generic_abi.h) whose selectors
 * Override where no scoped mechanism serves it (HookPlanner, OverridePlanner), on kernels that run
 * BPF LSM programs. The LSM hook is chosen at load time (bpf_program__set_attach_target); the
 * section's file_open is only a placeholder. The program's return value is the hook's verdict: 0
 * lets the operation go on, argError (negative errno) makes it fail, in the kernel, before it runs.
 *
 *   generic_lsm: hook argument gen_arg.src (size: size_src - 1), read with bpf_get_func_arg
 *                because the number of arguments differs per hook -> gen_entry (generic_run.h)
 */
#include "lib/generic_run.h"

#define GEN_MAX_ERRNO 4095

static __always_inline __u64 lsm_arg(void *ctx, __u8 pos)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, pos, &v);   /* -EINVAL past the hook's last argument: v stays 0 */
	return v;
}

/* long, not int: the verifier (6.12) checks all 64 bits of R0 against [-4095, 0], and an int
 * verdict would be returned zero-extended */
SEC("lsm/file_open")
long generic_lsm(void *ctx)
{
	struct gen_heap *h = gen_heap_get();
	struct gen_config *cfg = gen_config_get();
	__s64 verdict;

	if (!h || !cfg) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return 0;
	}
#pragma unroll
	for (int i = 0; i < VIGIL_GEN_MAX_ARGS; i++) {
		struct gen_arg *a = &cfg->args[i];

		if (i >= cfg->nargs)
			break;
		h->st.in.raw[i] = lsm_arg(ctx, a->src);
		h->st.in.size[i] = a->size_src ? lsm_arg(ctx, a->size_src - 1) : 0;
	}
	h->st.verdict = 0;
	gen_entry(h, cfg);
	verdict = h->st.verdict;
	/* the verifier wants an LSM verdict it can see is an errno or 0 */
	if (verdict < -GEN_MAX_ERRNO || verdict > 0)
		verdict = -GEN_EPERM;
	return verdict;
}

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

/* gen_capture's reader: argument gen_arg.src, its size at size_src - 1. */
static __always_inline __u64 lsm_read(void *ctx, void *aux, struct gen_arg *a, int size)
{
	if (!size)
		return lsm_arg(ctx, a->src);
	return a->size_src ? lsm_arg(ctx, a->size_src - 1) : 0;
}

/* long, not int: the verifier (6.12) checks all 64 bits of R0 against [-4095, 0], and an int
 * verdict would be returned zero-extended */
SEC("lsm/file_open")
long generic_lsm(void *ctx)
{
	struct gen_heap *h;
	struct gen_config *cfg;
	__s64 verdict;

	if (!gen_begin(&h, &cfg))
		return 0;
	gen_capture(h, cfg, ctx, NULL, lsm_read);
	h->st.verdict = 0;
	gen_entry(h, cfg);
	verdict = h->st.verdict;
	/* the verifier wants an LSM verdict it can see is an errno or 0 */
	if (verdict < -GEN_MAX_ERRNO || verdict > 0)
		verdict = -GEN_EPERM;
	return verdict;
}

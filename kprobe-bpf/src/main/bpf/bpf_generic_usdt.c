// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Generic hook sensor, USDT backend: one `usdts:` hook of a tracing policy (generic_abi.h) on a
 * user-space static probe (provider:name of a binary), attached by libbpf's USDT support
 * (bpf_program__attach_usdt), which fills usdt.bpf.h's spec maps with each argument's location.
 *
 *   generic_usdt: probe argument gen_arg.src (bpf_usdt_arg) -> gen_entry (generic_run.h)
 *
 * Buffers with a size argument are not offered for USDTs (the planner says so): size_src is
 * read like any argument if set, so a future planner change needs nothing here.
 */
#include "lib/generic_run.h"
#include <bpf/usdt.bpf.h>

static __always_inline __u64 usdt_arg(struct pt_regs *ctx, __u8 pos)
{
	long v = 0;

	/* an argument the probe site does not have reads as 0, like a missing register */
	if (bpf_usdt_arg(ctx, pos, &v) < 0)
		return 0;
	return (__u64)v;
}

SEC("usdt")
int generic_usdt(struct pt_regs *ctx)
{
	struct gen_heap *h = gen_heap_get();
	struct gen_config *cfg = gen_config_get();

	if (!h || !cfg) {
		stat_inc(VIGIL_STAT_HEAP_MISS);
		return 0;
	}
#pragma unroll
	for (int i = 0; i < VIGIL_GEN_MAX_ARGS; i++) {
		struct gen_arg *a = &cfg->args[i];

		if (i >= cfg->nargs)
			break;
		h->st.in.raw[i] = usdt_arg(ctx, a->src);
		h->st.in.size[i] = a->size_src ? usdt_arg(ctx, a->size_src - 1) : 0;
	}
	return gen_entry(h, cfg);
}

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

/* gen_capture's reader: argument gen_arg.src, its size at size_src - 1. */
static __always_inline __u64 usdt_read(void *ctx, void *aux, struct gen_arg *a, int size)
{
	if (!size)
		return usdt_arg(ctx, a->src);
	return a->size_src ? usdt_arg(ctx, a->size_src - 1) : 0;
}

SEC("usdt")
int generic_usdt(struct pt_regs *ctx)
{
	struct gen_heap *h;
	struct gen_config *cfg;

	if (!gen_begin(&h, &cfg))
		return 0;
	gen_capture(h, cfg, ctx, NULL, usdt_read);
	return gen_entry(h, cfg);
}

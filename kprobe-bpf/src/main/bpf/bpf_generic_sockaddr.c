// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Generic hook sensor, cgroup sock_addr backend: a connect or sendmsg hook of a tracing policy
 * whose selectors Override (deny) on a kernel that refuses BPF LSM, fmod_ret and kprobe error
 * injection. The programs attach to the cgroup v2 root, so every process's IPv4/IPv6 connect(2)
 * (TCP and UDP) and unconnected UDP sendto/sendmsg pass through them before the protocol runs;
 * returning 0 makes the syscall fail, with the selector's argError set by bpf_set_retval.
 *
 *   gen_connect4/6, gen_sendmsg4/6: the context's tuple -> st.ctx_sa (read by every argument
 *   flagged VIGIL_GEN_ARG_CTX_TUPLE) -> gen_entry (generic_run.h) -> st.verdict -> allow/deny
 *
 * Sigkill/Signal are not available here (no bpf_send_signal in cgroup programs): the planner
 * refuses them on hooks it serves with this object. */
#define GEN_NO_SIGNALS
#include "lib/generic_run.h"

static __always_inline int gen_sock_addr(struct bpf_sock_addr *ctx, int v6)
{
	struct gen_heap *h;
	struct gen_config *cfg;
	struct msg_sockaddr *sa;
	struct bpf_sock *sk;
	__u32 a[4];

	if (!gen_begin(&h, &cfg))
		return 1;   /* allow */
	sa = &h->st.ctx_sa;
	__builtin_memset(sa, 0, sizeof(*sa));
	sa->family = ctx->user_family;
	sa->type = ctx->type;
	sa->protocol = ctx->protocol;
	sa->dport = bpf_ntohs((__u16)ctx->user_port);
	if (v6) {
		a[0] = ctx->user_ip6[0];
		a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2];
		a[3] = ctx->user_ip6[3];
		__builtin_memcpy(sa->daddr, a, 16);
	} else {
		a[0] = ctx->user_ip4;
		__builtin_memcpy(sa->daddr, a, 4);
	}
	sk = ctx->sk;
	if (sk) {
		sa->sport = sk->src_port;
		if (v6) {
			a[0] = sk->src_ip6[0];
			a[1] = sk->src_ip6[1];
			a[2] = sk->src_ip6[2];
			a[3] = sk->src_ip6[3];
			__builtin_memcpy(sa->saddr, a, 16);
		} else {
			a[0] = sk->src_ip4;
			__builtin_memcpy(sa->saddr, a, 4);
		}
	}
#pragma unroll
	for (int i = 0; i < VIGIL_GEN_MAX_ARGS; i++) {
		h->st.in.raw[i] = 0;
		h->st.in.size[i] = 0;
	}
	gen_entry(h, cfg);
	if (!h->st.verdict)
		return 1;
	if (h->st.verdict != -GEN_EPERM)
		bpf_set_retval(h->st.verdict);
	return 0;
}

SEC("cgroup/connect4")
int gen_connect4(struct bpf_sock_addr *ctx)
{
	return gen_sock_addr(ctx, 0);
}

SEC("cgroup/connect6")
int gen_connect6(struct bpf_sock_addr *ctx)
{
	return gen_sock_addr(ctx, 1);
}

SEC("cgroup/sendmsg4")
int gen_sendmsg4(struct bpf_sock_addr *ctx)
{
	return gen_sock_addr(ctx, 0);
}

SEC("cgroup/sendmsg6")
int gen_sendmsg6(struct bpf_sock_addr *ctx)
{
	return gen_sock_addr(ctx, 1);
}

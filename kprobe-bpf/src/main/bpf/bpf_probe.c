// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Feature probe (io.vigil.bpf.FeatureProbe): one trivial program per program kind. The probe
 * loads one program at a time (the others' autoload off), attaches it, then detaches at once.
 * Every program does nothing and lets everything through, so a probe cannot disturb the host.
 * No CO-RE reads: only fentry/fexit/lsm/tp_btf need the kernel's BTF (for their attach target).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vigil_msg.h"
#include "generic_abi.h"
#include "asset_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* BTF anchor for the wire format. clang emits BTF only for types reachable from maps, globals
 * and the signatures of real (non-inlined) functions; the sensors build msg_clone, msg_exit and
 * msg_bench on the stack inside inlined helpers, so their objects' BTF lacks those structs.
 * This never-called global subprogram (libbpf loads a .text function only when a program calls
 * it) puts every wire struct into this object's BTF, by value (through a pointer clang emits a
 * forward declaration only), where StructLayoutTest compares them with io.vigil.bpf.wire.Layout. */
struct vigil_wire_structs {
	struct msg_common common;
	struct msg_execve_key execve_key;
	struct msg_cred cred;
	struct msg_exec exec;
	struct msg_clone clone;
	struct msg_exit exit;
	struct msg_bench bench;
	struct execve_map_value execve_map_value;
	/* generic_abi.h <-> io.vigil.bpf.wire.GenericAbi */
	struct gen_arg gen_arg;
	struct gen_filter gen_filter;
	struct gen_ns_filter gen_ns_filter;
	struct gen_selector gen_selector;
	struct gen_resolve gen_resolve;
	struct gen_config gen_config;
	struct gen_str_key gen_str_key;
	struct gen_lpm_str_key gen_lpm_str_key;
	struct gen_int_key gen_int_key;
	struct gen_addr4_key gen_addr4_key;
	struct gen_addr6_key gen_addr6_key;
	struct bin_path_key bin_path_key;
	struct bin_lpm_key bin_lpm_key;
	struct msg_sockaddr msg_sockaddr;
	struct msg_gen_cred msg_gen_cred;
	struct msg_gen_bpf_attr msg_gen_bpf_attr;
	struct msg_gen_bpf_map msg_gen_bpf_map;
	struct msg_gen_user_ns msg_gen_user_ns;
	struct msg_gen_module msg_gen_module;
	struct msg_gen_perf_event msg_gen_perf_event;
	struct msg_generic msg_generic;
	struct msg_gen_arg msg_gen_arg;
	/* asset_abi.h <-> io.vigil.bpf.wire.AssetAbi */
	struct asset_policy_cfg asset_policy_cfg;
	struct asset_ports asset_ports;
	struct asset_allow4_key asset_allow4_key;
	struct asset_allow6_key asset_allow6_key;
	struct asset_learned_key asset_learned_key;
	struct asset_learned_value asset_learned_value;
	struct asset_taint asset_taint;
	struct asset_sock asset_sock;
	struct asset_dest_key asset_dest_key;
	struct asset_dest_value asset_dest_value;
	struct msg_asset msg_asset;
	struct msg_dns msg_dns;
};

__attribute__((noinline)) int vigil_wire_btf(struct vigil_wire_structs *s)
{
	return s != 0;
}

/* Feature.TRACEPOINT (perf-event tracepoint, needs tracefs for the event id) */
SEC("tracepoint/syscalls/sys_enter_getpid")
int vigil_probe_tracepoint(void *ctx)
{
	return 0;
}

/* Feature.TP_BTF (BTF-typed raw tracepoint, a tracing program) */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(vigil_probe_tp_btf)
{
	return 0;
}

/* Feature.RAW_TP */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(vigil_probe_raw_tp)
{
	return 0;
}

/* Feature.KPROBE (kprobe PMU, or legacy tracefs kprobe_events) */
SEC("kprobe/security_file_open")
int BPF_KPROBE(vigil_probe_kprobe)
{
	return 0;
}

/* Feature.KPROBE_MULTI (fprobe-based, 5.18+) */
SEC("kprobe.multi/security_file_open")
int BPF_KPROBE(vigil_probe_kprobe_multi)
{
	return 0;
}

/* Feature.FENTRY (BPF trampoline) */
SEC("fentry/security_file_open")
int BPF_PROG(vigil_probe_fentry)
{
	return 0;
}

/* Feature.FEXIT */
SEC("fexit/security_file_open")
int BPF_PROG(vigil_probe_fexit)
{
	return 0;
}

/* Feature.LSM (BPF LSM; effective only when "bpf" is in the active LSM list). 0 = allow. */
SEC("lsm/file_open")
int BPF_PROG(vigil_probe_lsm, struct file *file)
{
	return 0;
}

/* Feature.CGROUP_SOCK_ADDR. 1 = allow the connect. */
SEC("cgroup/connect4")
int vigil_probe_connect4(struct bpf_sock_addr *ctx)
{
	return 1;
}

/* Feature.CGROUP_SKB. 1 = let the packet pass. */
SEC("cgroup_skb/egress")
int vigil_probe_cgroup_skb(struct __sk_buff *skb)
{
	return 1;
}

/* Feature.TCX, attached with bpf_link_create(BPF_TCX_INGRESS). -1 = TCX_NEXT: carry on as if
 * no program were there (for legacy tc it would be TC_ACT_UNSPEC, also harmless). */
SEC("tc")
int vigil_probe_tcx(struct __sk_buff *skb)
{
	return -1;
}

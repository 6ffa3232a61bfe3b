package io.vigil.bpf;

/** What the feature probe tries: one kind of BPF program and attach point each, plus fanotify. */
public enum Feature {
    KPROBE("kprobe", "vigil_probe_kprobe"),
    KPROBE_MULTI("kprobe.multi", "vigil_probe_kprobe_multi"),
    FENTRY("fentry", "vigil_probe_fentry"),
    FEXIT("fexit", "vigil_probe_fexit"),
    LSM("lsm (BPF LSM)", "vigil_probe_lsm"),
    TRACEPOINT("tracepoint", "vigil_probe_tracepoint"),
    TP_BTF("tp_btf", "vigil_probe_tp_btf"),
    RAW_TP("raw_tp", "vigil_probe_raw_tp"),
    CGROUP_SOCK_ADDR("cgroup sock_addr (connect4)", "vigil_probe_connect4"),
    CGROUP_SKB("cgroup_skb", "vigil_probe_cgroup_skb"),
    TCX("tcx", "vigil_probe_tcx"),
    FANOTIFY_PERM("fanotify permission events", null);

    private final String displayName;
    private final String program;

    Feature(String displayName, String program) {
        this.displayName = displayName;
        this.program = program;
    }

    /** What `vigil probe` prints, e.g. "kprobe.multi". */
    public String displayName() {
        return displayName;
    }

    /** The program of bpf_probe.bpf.o that probes it, or null (fanotify needs no BPF). */
    public String program() {
        return program;
    }
}

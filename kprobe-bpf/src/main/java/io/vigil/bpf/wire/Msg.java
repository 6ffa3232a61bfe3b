package io.vigil.bpf.wire;

/** One decoded ring-buffer record. */
public sealed interface Msg permits ExecMsg, CloneMsg, ExitMsg, GenericMsg, AssetMsg, DnsMsg, BenchMsg {
    /** bpf_ktime_get_boot_ns() when the sensor made the record. */
    long ktime();
}

package io.vigil.bpf.wire;

/** A record from the benchmark-only source (bench/), carrying its sequence number. */
public record BenchMsg(long ktime, int pid, long seq) implements Msg {
}

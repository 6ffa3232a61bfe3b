package io.vigil.bpf.wire;

/** One process incarnation: tgid plus the boot-clock ns of its exec or fork (Tetragon's exec_id parts). */
public record ExecveKey(int pid, long ktime) {
}

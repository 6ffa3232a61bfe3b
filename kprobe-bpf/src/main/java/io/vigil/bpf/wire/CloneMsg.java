package io.vigil.bpf.wire;

/** A new thread group was forked; it runs its parent's image until it execs. */
public record CloneMsg(long ktime, ExecveKey process, ExecveKey parent, int tid, int flags) implements Msg {
}

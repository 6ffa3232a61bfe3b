package io.vigil.bpf.wire;

/** Slots of the per-CPU vigil_stats map. C side: vigil_msg.h, enum vigil_stat_index. */
public enum StatIndex {
    EVENTS_SENT(0),
    RINGBUF_FULL(1),
    EXECVE_MAP_FULL(2),
    PARENT_MISSING(3),
    HEAP_MISS(4),
    /** a generic hook's post suppressed by its rateLimit */
    GEN_RATE_LIMITED(5),
    /** a generic return hook found no stashed entry (stash full, or attached mid-call) */
    GEN_NO_ENTRY(6),
    /** a generic hook's event was full: arguments dropped */
    GEN_TRUNCATED(7),
    /** a dispatch chain cut short: another thread's dispatcher took this CPU's state (lib/generic_dispatch.h) */
    GEN_DISPATCH_LOST(8);

    /** max_entries of vigil_stats (VIGIL_STAT_MAX). */
    public static final int MAX = 9;

    private final int index;

    StatIndex(int index) {
        this.index = index;
    }

    public int index() {
        return index;
    }
}

package io.vigil.enforcement.asset;

import java.util.concurrent.atomic.LongAdder;

/** What {@link LearnedAddresses} did, for metrics; read from any thread. */
public final class LearnedCounters {
    final LongAdder learned = new LongAdder();
    final LongAdder refreshed = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder ignored = new LongAdder();
    final LongAdder zeroTtl = new LongAdder();

    /** (policy, address) entries written that were not in the map. */
    public long learned() {
        return learned.sum();
    }

    /** Entries written again by a newer answer (later expiry or more ports). */
    public long refreshed() {
        return refreshed.sum();
    }

    /** Entries deleted by {@link LearnedAddresses#expire()}. */
    public long expired() {
        return expired.sum();
    }

    /** Answers with no address for any allowed name. */
    public long ignored() {
        return ignored.sum();
    }

    /** (policy, address) pairs not written because their TTL, after the floor, was 0: raise the floor. */
    public long zeroTtl() {
        return zeroTtl.sum();
    }

    @Override
    public String toString() {
        return "learned=" + learned() + " refreshed=" + refreshed() + " expired=" + expired() + " ignored="
                + ignored() + " zeroTtl=" + zeroTtl();
    }
}

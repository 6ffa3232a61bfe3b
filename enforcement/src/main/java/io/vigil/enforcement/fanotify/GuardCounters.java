package io.vigil.enforcement.fanotify;

import java.util.concurrent.atomic.LongAdder;

/** Counts of a guard's permission events; every request ends in exactly one of allowed / denied. */
public final class GuardCounters {
    final LongAdder requests = new LongAdder();
    final LongAdder allowed = new LongAdder();
    final LongAdder denied = new LongAdder();
    final LongAdder wouldDeny = new LongAdder();
    final LongAdder errors = new LongAdder();

    /** Permission events read from the kernel. */
    public long requests() {
        return requests.sum();
    }

    /** Answered FAN_ALLOW (including monitor-mode would-deny and the agent's own opens). */
    public long allowed() {
        return allowed.sum();
    }

    /** Answered FAN_DENY. */
    public long denied() {
        return denied.sum();
    }

    /** Monitor mode: decided DENY, answered ALLOW. */
    public long wouldDeny() {
        return wouldDeny.sum();
    }

    /** Decider failures, timeouts, unresolvable files, failed writes of an answer. */
    public long errors() {
        return errors.sum();
    }

    @Override
    public String toString() {
        return "requests=" + requests() + " allowed=" + allowed() + " denied=" + denied() + " wouldDeny=" + wouldDeny()
                + " errors=" + errors();
    }
}

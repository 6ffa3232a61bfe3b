package io.vigil.agent.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the Java side of the pipeline; every record that does not reach the sinks is counted here. */
public final class PipelineStats {
    /** Records taken from the ring buffer. */
    public final AtomicLong received = new AtomicLong();
    /** Records dropped because the decode queue was full (the kernel edge never waits). */
    public final AtomicLong rawQueueDrops = new AtomicLong();
    /** FAN_Q_OVERFLOW events of the fanotify observers: the kernel dropped observed opens (how many is not known). */
    public final AtomicLong fanotifyOverflows = new AtomicLong();
    /** Records that did not decode. */
    public final AtomicLong malformed = new AtomicLong();
    /** Records decoded. */
    public final AtomicLong decoded = new AtomicLong();
    /** Events dropped because the sink queue was full. */
    public final AtomicLong sinkQueueDrops = new AtomicLong();
    /** Events handed to the sinks. */
    public final AtomicLong emitted = new AtomicLong();
    /** Sink failures (an event a sink threw on). */
    public final AtomicLong sinkErrors = new AtomicLong();

    public long lost() {
        return rawQueueDrops.get() + fanotifyOverflows.get() + malformed.get() + sinkQueueDrops.get();
    }
}

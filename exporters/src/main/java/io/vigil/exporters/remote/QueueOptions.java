package io.vigil.exporters.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * The in-memory side of a {@link SpoolingExporter}: its queue and its batches.
 *
 * @param queueCapacity  records held in memory before the disk spool takes the overflow; 0 sends
 *                       every record through the spool (every record survives a crash, at the cost
 *                       of a write per event)
 * @param maxBatchRecords a batch holds at most this many records
 * @param maxBatchBytes  ... and at most this many payload bytes (a single larger record goes alone)
 * @param linger         how long a batch that is not full may wait for more records
 * @param retryPause     the wait before sending a batch again once the sender gave up on it (its
 *                       own back-off ran out); records arriving meanwhile are spooled (the receiver is
 *                       down), or queued when there is no spool
 * @param closeTimeout   how long {@code close()} keeps trying to deliver before it spools what is
 *                       left in memory and stops
 */
public record QueueOptions(int queueCapacity, int maxBatchRecords, long maxBatchBytes, Duration linger,
                           Duration retryPause, Duration closeTimeout) {

    /** 8,192 records in memory; batches of up to 500 records or 1 MiB, lingering 200 ms. */
    public static final QueueOptions DEFAULTS = new QueueOptions(8192, 500, 1 << 20, Duration.ofMillis(200),
            Duration.ofSeconds(1), Duration.ofSeconds(5));

    public QueueOptions {
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(retryPause, "retryPause");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be >= 0, not " + queueCapacity);
        }
        if (maxBatchRecords < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("a batch must allow at least one record and one byte");
        }
        if (linger.isNegative() || retryPause.isNegative() || closeTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must be >= 0");
        }
    }

    public QueueOptions withQueueCapacity(int n) {
        return new QueueOptions(n, maxBatchRecords, maxBatchBytes, linger, retryPause, closeTimeout);
    }

    public QueueOptions withBatch(int records, long bytes, Duration lingerFor) {
        return new QueueOptions(queueCapacity, records, bytes, lingerFor, retryPause, closeTimeout);
    }

    public QueueOptions withRetryPause(Duration d) {
        return new QueueOptions(queueCapacity, maxBatchRecords, maxBatchBytes, linger, d, closeTimeout);
    }

    public QueueOptions withCloseTimeout(Duration d) {
        return new QueueOptions(queueCapacity, maxBatchRecords, maxBatchBytes, linger, retryPause, d);
    }
}

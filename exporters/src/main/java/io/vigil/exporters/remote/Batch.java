package io.vigil.exporters.remote;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The records one send carries, with where the spooled ones end (what to acknowledge once delivered).
 * Bounded by records and bytes ({@link #canAdd}, a named predicate as in elasticsearch-java's
 * {@code BulkIngester.canAddOperation}); ready to go when {@link #isReady}: full, lingered long
 * enough, or asked to go (flush, close), as Kafka's {@code RecordAccumulator} decides.
 */
final class Batch {
    private final int maxRecords;
    private final long maxBytes;
    private final long lingerNanos;
    private final List<Record> records = new ArrayList<>();
    /** For each record, the spool offset just past it, or -1 for a record that came from memory. */
    private final List<Long> spoolEnds = new ArrayList<>();
    private long bytes;
    private long firstAddedNanos;
    private boolean full;
    private boolean attempted;

    Batch(int maxRecords, long maxBytes, long lingerNanos) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.lingerNanos = lingerNanos;
    }

    /** Room for {@code r}: under both limits, or the batch is empty (a record too large goes alone). */
    boolean canAdd(Record r) {
        if (attempted || full) {
            return false;
        }
        if (records.isEmpty()) {
            return true;
        }
        return records.size() < maxRecords && bytes + r.payload().length <= maxBytes;
    }

    void add(Record r, long spoolEnd, long nowNanos) {
        if (records.isEmpty()) {
            firstAddedNanos = nowNanos;
        }
        records.add(r);
        spoolEnds.add(spoolEnd);
        bytes += r.payload().length;
        if (records.size() >= maxRecords || bytes >= maxBytes) {
            full = true;
        }
    }

    /** A record did not fit: send what there is. */
    void markFull() {
        full = true;
    }

    boolean lingerExpired(long nowNanos) {
        return !records.isEmpty() && nowNanos - firstAddedNanos >= lingerNanos;
    }

    /** {@code full || lingered || forced}; an empty batch is never ready. */
    boolean isReady(long nowNanos, boolean forced) {
        return !records.isEmpty() && (full || attempted || lingerExpired(nowNanos) || forced);
    }

    /** When an unready batch becomes ready by lingering. */
    long readyAtNanos() {
        return firstAddedNanos + lingerNanos;
    }

    /** Sent once: no more records join it; it is retried as it is. */
    void markAttempted() {
        attempted = true;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    int size() {
        return records.size();
    }

    long bytes() {
        return bytes;
    }

    List<Record> records() {
        return Collections.unmodifiableList(records);
    }

    /** The spool offset to acknowledge once this batch is delivered, or -1 when none of it was spooled. */
    long lastSpoolEnd() {
        for (int i = spoolEnds.size() - 1; i >= 0; i--) {
            if (spoolEnds.get(i) >= 0) {
                return spoolEnds.get(i);
            }
        }
        return -1;
    }

    /** The records that came from memory (they are not in the spool). */
    List<Record> memoryRecords() {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (spoolEnds.get(i) < 0) {
                out.add(records.get(i));
            }
        }
        return out;
    }
}

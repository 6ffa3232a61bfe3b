package io.vigil.agent.process;

import io.vigil.api.Event;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Bounded FIFO of records waiting for the cache to catch up (Tetragon's pkg/eventcache does the
 * same job: it retries parked events every event-cache-retry-delay and sends them as they are after
 * event-cache-retries). Each {@link #retry} pass tries every parked record once; a record is given
 * up after {@code maxRetries} failed passes or {@code maxAgeNanos}, whichever comes first. A full
 * lot gives up its oldest record to make room. Every outcome is counted.
 */
final class ParkingLot {

    /** What to do with a parked record; implemented by the enricher. */
    interface Handler {
        /** Completes the record if what it waits for is there now (emitting its event). */
        boolean resolve(Parked p, Consumer<Event> out);

        /** Emits what can be emitted without what it waited for; false if nothing was emitted. */
        boolean giveUp(Parked p, Consumer<Event> out);
    }

    private final int capacity;
    private final int maxRetries;
    private final long maxAgeNanos;
    private final Handler handler;
    private final ArrayDeque<Parked> queue = new ArrayDeque<>();

    // single writer, read by any thread
    private volatile int size;
    private volatile long total;
    private volatile long resolved;
    private volatile long gaveUp;
    private volatile long dropped;
    private volatile long overflow;

    ParkingLot(int capacity, int maxRetries, long maxAgeNanos, Handler handler) {
        if (capacity < 1 || maxRetries < 1 || maxAgeNanos < 0) {
            throw new IllegalArgumentException("capacity and maxRetries must be >= 1, maxAgeNanos >= 0");
        }
        this.capacity = capacity;
        this.maxRetries = maxRetries;
        this.maxAgeNanos = maxAgeNanos;
        this.handler = handler;
    }

    void park(Parked p, Consumer<Event> out) {
        if (queue.size() >= capacity) {
            overflow = overflow + 1;
            giveUp(queue.pollFirst(), out);
        }
        queue.addLast(p);
        total = total + 1;
        size = queue.size();
    }

    /** One pass over everything parked, in parking order. */
    void retry(long nowNanos, Consumer<Event> out) {
        for (int n = queue.size(); n > 0; n--) {
            Parked p = queue.pollFirst();
            if (handler.resolve(p, out)) {
                resolved = resolved + 1;
                continue;
            }
            p.retries++;
            if (p.retries >= maxRetries || nowNanos - p.parkedAtNanos >= maxAgeNanos) {
                giveUp(p, out);
            } else {
                queue.addLast(p);
            }
        }
        size = queue.size();
    }

    private void giveUp(Parked p, Consumer<Event> out) {
        if (handler.giveUp(p, out)) {
            gaveUp = gaveUp + 1;
        } else {
            dropped = dropped + 1;
        }
        size = queue.size();
    }

    int size() {
        return size;
    }

    long total() {
        return total;
    }

    long resolved() {
        return resolved;
    }

    long gaveUp() {
        return gaveUp;
    }

    long dropped() {
        return dropped;
    }

    long overflow() {
        return overflow;
    }
}

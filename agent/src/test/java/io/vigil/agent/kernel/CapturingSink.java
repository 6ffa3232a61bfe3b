package io.vigil.agent.kernel;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Keeps every event, and waits for the ones a test expects. */
public final class CapturingSink implements EventSink {
    private final List<Event> events = new ArrayList<>();   // appends are O(1): policy tests capture 10,000s

    @Override
    public void accept(Event event) {
        synchronized (events) {
            events.add(event);
        }
    }

    /** Every event so far, in arrival order (a copy). */
    public List<Event> all() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    public List<Event> matching(Predicate<Event> p) {
        List<Event> out = new ArrayList<>();
        for (Event e : all()) {
            if (p.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Waits until count events match, or the timeout passes; returns what matched by then. */
    public List<Event> await(Predicate<Event> p, int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<Event> m = matching(p);
        while (m.size() < count && System.nanoTime() < end) {
            Thread.sleep(20);
            m = matching(p);
        }
        return m;
    }
}

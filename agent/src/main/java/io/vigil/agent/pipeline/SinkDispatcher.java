package io.vigil.agent.pipeline;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands events to every sink, flushing them whenever the queue runs dry. One thread. */
public final class SinkDispatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SinkDispatcher.class);
    private static final int BATCH = 1024;

    private final BlockingQueue<Event> in;
    private final List<EventSink> sinks;
    private final PipelineStats stats;
    private final List<Event> batch = new ArrayList<>(BATCH);
    private volatile boolean running = true;
    private boolean dirty;

    public SinkDispatcher(BlockingQueue<Event> in, List<EventSink> sinks, PipelineStats stats) {
        this.in = in;
        this.sinks = List.copyOf(sinks);
        this.stats = stats;
    }

    public int runOnce(long waitMillis) throws InterruptedException {
        batch.clear();
        Event first = in.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (first != null) {
            batch.add(first);
            in.drainTo(batch, BATCH - 1);
        }
        for (Event e : batch) {
            for (EventSink s : sinks) {
                try {
                    s.accept(e);
                } catch (RuntimeException ex) {
                    stats.sinkErrors.incrementAndGet();
                    log.warn("sink {} failed on an event: {}", s.getClass().getSimpleName(), ex.toString());
                }
            }
            stats.emitted.incrementAndGet();
            dirty = true;
        }
        if (dirty && in.isEmpty()) {
            flush();
        }
        return batch.size();
    }

    private void flush() {
        dirty = false;
        for (EventSink s : sinks) {
            try {
                s.flush();
            } catch (RuntimeException ex) {
                stats.sinkErrors.incrementAndGet();
                log.warn("sink {} failed to flush: {}", s.getClass().getSimpleName(), ex.toString());
            }
        }
    }

    @Override
    public void run() {
        try {
            while (running || !in.isEmpty()) {
                runOnce(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            flush();
            for (EventSink s : sinks) {
                try {
                    s.close();
                } catch (RuntimeException ex) {
                    log.warn("sink {} failed to close: {}", s.getClass().getSimpleName(), ex.toString());
                }
            }
        }
    }

    public void stop() {
        running = false;
    }
}

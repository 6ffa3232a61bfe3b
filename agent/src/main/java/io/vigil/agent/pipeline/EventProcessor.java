package io.vigil.agent.pipeline;

import io.vigil.api.Event;
import io.vigil.bpf.wire.MalformedRecordException;
import io.vigil.bpf.wire.Msg;
import io.vigil.bpf.wire.MsgDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decode and enrich: raw records from the reader in, events to the sink queue out. One thread.
 * The events of a batch are queued together once it is done, so that the sink thread wakes once
 * per batch rather than for the first event and again for each one after it went back to sleep.
 */
public final class EventProcessor implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);
    private static final int BATCH = 512;

    private final BlockingQueue<byte[]> in;
    private final BlockingQueue<Event> out;
    private final MsgHandler handler;
    private final PipelineStats stats;
    private final LongSupplier nanoClock;
    private final long tickNanos;
    private final Consumer<Event> emit;
    private final List<byte[]> batch = new ArrayList<>(BATCH);
    private final List<Event> pending = new ArrayList<>(BATCH);
    private long lastTick;
    private volatile boolean running = true;

    public EventProcessor(BlockingQueue<byte[]> in, BlockingQueue<Event> out, MsgHandler handler,
                          PipelineStats stats, LongSupplier nanoClock, long tickNanos) {
        this.in = in;
        this.out = out;
        this.handler = handler;
        this.stats = stats;
        this.nanoClock = nanoClock;
        this.tickNanos = tickNanos;
        this.emit = pending::add;
        this.lastTick = nanoClock.getAsLong();
    }

    /** One step: process what is queued (waiting up to waitMillis for the first record), tick if due. */
    public int runOnce(long waitMillis) throws InterruptedException {
        batch.clear();
        byte[] first = waitMillis > 0 ? in.poll(waitMillis, TimeUnit.MILLISECONDS) : in.poll();
        if (first != null) {
            batch.add(first);
            in.drainTo(batch, BATCH - 1);
        }
        try {
            for (byte[] rec : batch) {
                process(rec);
            }
            long now = nanoClock.getAsLong();
            if (now - lastTick >= tickNanos) {
                lastTick = now;
                handler.tick(now, emit);
            }
        } finally {
            handOver(); // what was emitted before a handler failure still goes out
        }
        return batch.size();
    }

    private void handOver() {
        int dropped = 0;
        for (int i = 0, n = pending.size(); i < n; i++) {
            if (!out.offer(pending.get(i))) {
                dropped++;
            }
        }
        pending.clear();
        if (dropped > 0) {
            stats.sinkQueueDrops.addAndGet(dropped);
        }
    }

    void process(byte[] rec) {
        Msg msg;
        try {
            msg = MsgDecoder.decode(ByteBuffer.wrap(rec));
        } catch (MalformedRecordException e) {
            stats.malformed.incrementAndGet();
            log.debug("malformed record: {}", e.getMessage());
            return;
        }
        stats.decoded.incrementAndGet();
        handler.handle(msg, emit);
    }

    @Override
    public void run() {
        try {
            while (running || !in.isEmpty()) {
                runOnce(20);
            }
            handler.tick(Long.MAX_VALUE / 2, emit);
            handOver();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("event processor stopped", e);
            throw e;
        }
    }

    public void stop() {
        running = false;
    }
}

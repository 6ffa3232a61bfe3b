package io.vigil.agent.pipeline;

import io.vigil.bpf.RecordHandler;
import io.vigil.bpf.RingBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import jnr.ffi.Pointer;

/**
 * The kernel edge: copies each ring-buffer record into the decode queue, or drops and counts it
 * when the queue is full. It never waits on the stages behind it.
 *
 * The sensors wake us only when 256 KiB are waiting (batched wake-ups), so every poll that times
 * out is followed by a consume: a quiet machine sees its events within one poll interval.
 */
public final class RingBufferReader implements Runnable {
    private final RingBuffer ring;
    private final BlockingQueue<byte[]> out;
    private final PipelineStats stats;
    private final int pollMillis;
    private volatile boolean running = true;

    public RingBufferReader(Function<RecordHandler, RingBuffer> ringFactory, BlockingQueue<byte[]> out, PipelineStats stats,
                            int pollMillis) {
        this.out = out;
        this.stats = stats;
        this.pollMillis = pollMillis;
        this.ring = ringFactory.apply(this::onRecord);
    }

    private void onRecord(Pointer data, int size) {
        byte[] copy = new byte[size];
        data.get(0, copy, 0, size);
        stats.received.incrementAndGet();
        if (!out.offer(copy)) {
            stats.rawQueueDrops.incrementAndGet();
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                ring.poll(pollMillis);
                ring.consume();
            }
            ring.consume();
        } finally {
            ring.close();
        }
    }

    public void stop() {
        running = false;
    }
}

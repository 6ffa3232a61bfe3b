package io.vigil.agent.pipeline;

import io.vigil.bpf.RecordHandler;
import io.vigil.bpf.RingBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import jnr.ffi.Pointer;

/**
 * The kernel edge: copies each ring-buffer record into the decode queue, or drops and counts it
 * when the queue is full. It never waits on the stages behind it.
 *
 * The sensors wake us only each time another 256 KiB are waiting (batched wake-ups), so every poll that times
 * out is followed by a consume: a quiet machine sees its events within one poll interval.
 *
 * Records are handed over per poll or consume call, not one by one: offering each record as libbpf
 * delivers it wakes the decoder for the first one, and it goes back to sleep before the next
 * arrives (a context switch per record at a trickle). Offered back to back, the whole batch is
 * queued before the decoder is up. A consume can go on for as long as producers keep up, so the
 * batch is also handed over every {@value #BATCH} records.
 */
public final class RingBufferReader implements Runnable {
    private static final int BATCH = 256;

    private final RingBuffer ring;
    private final BlockingQueue<byte[]> out;
    private final PipelineStats stats;
    private final int pollMillis;
    private final List<byte[]> pending = new ArrayList<>();
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
        pending.add(copy);
        if (pending.size() >= BATCH) {
            handOver();
        }
    }

    private void handOver() {
        int n = pending.size();
        if (n == 0) {
            return;
        }
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            if (!out.offer(pending.get(i))) {
                dropped++;
            }
        }
        pending.clear();
        stats.received.addAndGet(n);
        if (dropped > 0) {
            stats.rawQueueDrops.addAndGet(dropped);
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                ring.poll(pollMillis);
                handOver();
                ring.consume();
                handOver();
            }
            ring.consume();
            handOver();
        } finally {
            ring.close();
        }
    }

    public void stop() {
        running = false;
    }
}

package io.vigil.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessInfo;
import io.vigil.bpf.wire.Msg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The Java stages, one step at a time with an injected clock: drops and malformed records are counted. */
class PipelineStagesTest {
    private static final Event EVENT = new Event("n", Instant.EPOCH,
            new ProcessExec(ProcessInfo.builder().execId("x").pid(1).binary("/bin/x").build(), null));

    /** A well-formed 48-byte exit record (vigil_msg.h struct msg_exit). */
    private static byte[] exitRecord(int pid) {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 2).putInt(4, 48).putLong(8, 1L).putInt(16, pid).putLong(24, 1L).putInt(32, pid);
        return b.array();
    }

    @Test
    void processorCountsMalformedRecordsAndSinkQueueDropsAndTicksOnTime() throws Exception {
        ArrayBlockingQueue<byte[]> in = new ArrayBlockingQueue<>(16);
        ArrayBlockingQueue<Event> out = new ArrayBlockingQueue<>(2);
        PipelineStats stats = new PipelineStats();
        AtomicLong now = new AtomicLong();
        List<Long> ticks = new ArrayList<>();
        MsgHandler handler = new MsgHandler() {
            @Override
            public void handle(Msg msg, Consumer<Event> emit) {
                emit.accept(EVENT);
            }

            @Override
            public void tick(long nowNanos, Consumer<Event> emit) {
                ticks.add(nowNanos);
            }
        };
        EventProcessor p = new EventProcessor(in, out, handler, stats, now::get, 100);
        for (int i = 0; i < 4; i++) {
            in.add(exitRecord(10 + i));
        }
        in.add(new byte[] {99, 0, 0, 0});
        assertEquals(5, p.runOnce(0));
        assertEquals(4, stats.decoded.get());
        assertEquals(1, stats.malformed.get());
        assertEquals(2, out.size(), "the sink queue holds two");
        assertEquals(2, stats.sinkQueueDrops.get(), "the other two are dropped and counted, not waited for");
        assertEquals(List.of(), ticks, "no tick before the interval");
        now.set(150);
        p.runOnce(0);
        assertEquals(List.of(150L), ticks);
        assertEquals(3, stats.lost());
    }

    @Test
    void dispatcherFlushesWhenTheQueueRunsDryAndCountsSinkErrors() throws Exception {
        ArrayBlockingQueue<Event> in = new ArrayBlockingQueue<>(8);
        PipelineStats stats = new PipelineStats();
        List<String> calls = new ArrayList<>();
        EventSink good = new EventSink() {
            @Override
            public void accept(Event event) {
                calls.add("accept");
            }

            @Override
            public void flush() {
                calls.add("flush");
            }

            @Override
            public void close() {
                calls.add("close");
            }
        };
        EventSink bad = new EventSink() {
            @Override
            public void accept(Event event) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        SinkDispatcher d = new SinkDispatcher(in, List.of(bad, good), stats);
        in.add(EVENT);
        in.add(EVENT);
        assertEquals(2, d.runOnce(0));
        assertEquals(List.of("accept", "accept", "flush"), calls, "one flush per drained batch, after it");
        assertEquals(2, stats.emitted.get());
        assertEquals(2, stats.sinkErrors.get(), "a failing sink does not stop the others");
    }
}

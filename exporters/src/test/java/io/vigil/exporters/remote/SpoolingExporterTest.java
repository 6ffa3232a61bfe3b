package io.vigil.exporters.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.Event;
import io.vigil.exporters.TestEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolingExporterTest {
    private static final long MS = 1_000_000L;
    @TempDir
    Path dir;
    private long now;
    private final List<String> alerts = new ArrayList<>();
    private final SpoolingExporter.Listener listener = new SpoolingExporter.Listener() {
        @Override
        public void lost(long records, long total, String reason) {
            alerts.add(records + "/" + total + ": " + reason);
        }
    };

    private static Event event(int i) {
        return TestEvents.exec(1000 + i, "/bin/sh", "-c step" + i);
    }

    /** The ids the events get, in order: what the receiver must end up with. */
    private static List<String> ids(int from, int to) {
        JsonRecordEncoder enc = new JsonRecordEncoder();
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(enc.encode(event(i)).id());
        }
        return out;
    }

    private DiskSpool spool(long maxBytes) throws IOException {
        return DiskSpool.open(new SpoolOptions(dir.resolve("spool"), maxBytes, 4096, FsyncPolicy.never()), () -> now);
    }

    private SpoolingExporter exporter(RecordSender sender, DiskSpool spool, QueueOptions o) {
        return new SpoolingExporter(new JsonRecordEncoder(), sender, spool, o, listener, () -> now);
    }

    private static QueueOptions opts(int queue, int batchRecords) {
        return new QueueOptions(queue, batchRecords, 1 << 20, Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ZERO);
    }

    /** Steps the sender until it has nothing left, advancing the fake clock past linger and retry pauses. */
    private void drain(SpoolingExporter e) {
        for (int i = 0; i < 100_000 && !e.isDrained(); i++) {
            if (!e.runOnce(now)) {
                now += 250 * MS;
            }
        }
        assertTrue(e.isDrained(), "drained");
    }

    @Test
    void batchesAreBoundedByRecordsAndBytesAndWaitForTheLinger() throws IOException {
        FakeSender fake = new FakeSender();
        QueueOptions o = new QueueOptions(100, 10, 4000, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO);
        SpoolingExporter e = exporter(fake, null, o);
        for (int i = 0; i < 3; i++) {
            e.accept(event(i));
        }
        assertFalse(e.runOnce(now), "3 records, not full: lingers");
        now += 199 * MS;
        assertFalse(e.runOnce(now));
        now += MS;
        assertTrue(e.runOnce(now), "linger expired");
        assertEquals(List.of(3), fake.batchSizes);
        int size = new JsonRecordEncoder().encode(event(3)).payload().length;
        for (int i = 3; i < 33; i++) {
            e.accept(event(i));
        }
        assertTrue(e.runOnce(now), "a full batch goes without lingering");
        int byBytes = Math.min(10, 4000 / size);
        assertEquals(byBytes, fake.batchSizes.get(1), "records of " + size + " bytes: limited by "
                + (byBytes < 10 ? "bytes" : "count"));
        drain(e);
        assertEquals(ids(0, 33), fake.receivedIds());
        e.flush();
        e.close();
        assertTrue(fake.closed);
    }

    @Test
    void flushSendsThePartialBatchAtOnce() {
        FakeSender fake = new FakeSender();
        SpoolingExporter e = exporter(fake, null, opts(100, 50));
        e.accept(event(1));
        assertFalse(e.runOnce(now));
        e.flush();
        assertTrue(e.runOnce(now));
        assertEquals(ids(1, 2), fake.receivedIds());
    }

    @Test
    void receiverDownEventsGoToTheSpoolAndComeBackInOrder() throws IOException {
        FakeSender fake = new FakeSender();
        fake.down = true;
        DiskSpool spool = spool(1 << 20);
        SpoolingExporter e = exporter(fake, spool, opts(10, 5));
        for (int i = 0; i < 200; i++) {
            e.accept(event(i));
            if (i % 7 == 0) {
                e.runOnce(now); // the sender keeps trying, and failing
                now += 300 * MS;
            }
        }
        SpoolingExporter.Stats st = e.stats();
        assertEquals(200, st.accepted());
        // record 7's step sent 0-4 and failed (5 waits as the next batch's first): from then on the queue
        // (6, 7) and every new record go to the spool
        assertEquals(194, st.spooled(), st.toString());
        assertEquals(2, st.movedToSpool(), st.toString());
        assertEquals(200, st.queued() - st.movedToSpool() + st.spooled());
        assertTrue(st.sendFailures() > 0);
        assertEquals(0, fake.received.size());
        fake.down = false;
        drain(e);
        assertEquals(ids(0, 200), fake.receivedIds(), "every record once, in the order accepted");
        assertEquals(0, spool.unacknowledgedBytes(), "everything acknowledged");
        assertEquals(0, e.lost());
        assertTrue(alerts.isEmpty());
        e.accept(event(200));
        assertEquals(1, e.stats().queued() - st.queued(), "once drained, records take the memory queue again");
        drain(e);
        assertEquals(ids(0, 201), fake.receivedIds());
        e.close();
    }

    @Test
    void aFailedSendMovesTheQueueToTheSpoolAndAKillLosesOnlyTheBatchInFlight() throws IOException {
        FakeSender fake = new FakeSender();
        fake.down = true;
        DiskSpool spool = spool(1 << 20);
        SpoolingExporter e = exporter(fake, spool, opts(100, 5));
        for (int i = 0; i < 20; i++) {
            e.accept(event(i));
        }
        assertEquals(0, e.stats().spooled(), "receiver not known down yet: the queue (100) takes them");
        assertFalse(e.runOnce(now), "records 0-4 sent, failed");
        e.accept(event(20));
        SpoolingExporter.Stats st = e.stats();
        assertEquals(15, st.spooled(), "the queue (6-19; 5, taken for the next batch, is in memory) "
                + "then record 20: " + st);
        assertEquals(14, st.movedToSpool());
        for (int i = 21; i < 30; i++) {
            e.accept(event(i));
        }
        assertEquals(24, e.stats().spooled(), "while down, new records skip the queue");
        assertEquals(20, e.stats().queued());
        e.flush();
        try (DiskSpool afterKill = spool(1 << 20)) { // what a kill -9 now leaves: the spool's files
            assertEquals(24, afterKill.recoveredRecords(), "all but the batch in flight (0-4) and the carry (5)");
        }
        fake.down = false;
        drain(e);
        assertEquals(ids(0, 30), fake.receivedIds(), "once each, in the order accepted");
        e.accept(event(30));
        assertEquals(21, e.stats().queued(), "up and the spool read out: back to the queue");
        drain(e);
        assertEquals(ids(0, 31), fake.receivedIds());
        e.close();
    }

    @Test
    void theReceiverIsDownFromTheFirstFailedAttemptNotOnlyWhenTheRetriesRunOut() throws IOException {
        FakeSender fake = FakeSender.failingRetriable(3);
        DiskSpool spool = spool(1 << 20);
        ReceiverState receiver = new ReceiverState();
        SpoolingExporter[] e = new SpoolingExporter[1];
        List<Long> spooledDuringRetries = new ArrayList<>();
        int[] next = {10};
        Sleeper pipelineMeanwhile = nanos -> { // the pipeline's thread accepts while the sender backs off
            e[0].accept(event(next[0]++));
            spooledDuringRetries.add(e[0].stats().spooled());
        };
        RetryingSender retrying = new RetryingSender(fake,
                new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 2, 5, new Random(1)), pipelineMeanwhile,
                () -> now, DeadLetters.counting(), receiver.watching(RetryingSender.Listener.NONE));
        e[0] = new SpoolingExporter(new JsonRecordEncoder(), retrying, spool, opts(100, 5), listener, () -> now,
                receiver);
        for (int i = 0; i < 10; i++) {
            e[0].accept(event(i));
        }
        assertTrue(e[0].runOnce(now), "delivered on the 4th attempt");
        // attempt 1 fails: 6-9 queued (5 is the carry) and record 10 go to the spool; 11, 12 after them
        assertEquals(List.of(5L, 6L, 7L), spooledDuringRetries);
        assertFalse(receiver.isDown(), "it answered");
        drain(e[0]);
        assertEquals(ids(0, 13), fake.receivedIds());
        e[0].close();
    }

    @Test
    void whenTheSpoolIsFullTooTheLossIsCountedAndReported() throws IOException {
        FakeSender fake = new FakeSender();
        fake.down = true;
        DiskSpool spool = spool(8192);
        SpoolingExporter e = exporter(fake, spool, opts(4, 2));
        for (int i = 0; i < 100; i++) {
            e.accept(event(i));
        }
        long lost = e.lost();
        assertTrue(lost > 50, "8 KiB of spool holds a few dozen events at most: lost " + lost);
        SpoolingExporter.Stats st = e.stats();
        assertEquals(100, st.queued() - st.movedToSpool() + st.spooled() + lost, "every event queued, spooled or counted");
        assertTrue(alerts.isEmpty(), "reported from the sender thread, not on accept");
        e.runOnce(now);
        assertEquals(1, alerts.size());
        assertTrue(alerts.get(0).startsWith(lost + "/" + lost + ": the queue and the spool"), alerts.get(0));
        e.runOnce(now);
        assertEquals(1, alerts.size(), "reported once per loss, not repeatedly");
        e.accept(event(100));
        e.runOnce(now);
        assertEquals(2, alerts.size());
        assertTrue(alerts.get(1).startsWith("1/" + (lost + 1) + ":"), alerts.get(1));
        fake.down = false;
        drain(e);
        List<String> got = fake.receivedIds();
        st = e.stats();
        assertEquals(st.queued() - st.movedToSpool() + st.spooled(), got.size(), "everything not lost is delivered");
        List<String> all = ids(0, 101);
        assertEquals(got, all.stream().filter(got::contains).toList(), "in order, gaps where lost");
        e.close();
    }

    @Test
    void aNewExporterOverTheSameSpoolReplaysWhatACrashLeft() throws IOException {
        FakeSender down = new FakeSender();
        down.down = true;
        SpoolingExporter first = exporter(down, spool(1 << 20), opts(0, 10)); // capacity 0: every record spooled
        for (int i = 0; i < 50; i++) {
            first.accept(event(i));
        }
        first.runOnce(now += 300 * MS); // fails: nothing acknowledged
        // kill -9: first is never closed
        FakeSender up = new FakeSender();
        DiskSpool reopened = spool(1 << 20);
        assertEquals(50, reopened.recoveredRecords());
        SpoolingExporter second = exporter(up, reopened, opts(100, 10));
        assertEquals(50, second.stats().replayed());
        second.accept(event(50)); // accepted after the restart: goes after the replay
        drain(second);
        assertEquals(ids(0, 51), up.receivedIds(), "replayed in order, with the same ids, then the new one");
        second.close();
        try (DiskSpool third = spool(1 << 20)) {
            assertEquals(0, third.recoveredRecords(), "acknowledged: nothing replays twice");
        }
    }

    @Test
    void closeWithTheReceiverDownSpoolsWhatIsInMemoryForTheNextRun() throws IOException {
        FakeSender down = new FakeSender();
        down.down = true;
        SpoolingExporter first = exporter(down, spool(1 << 20), opts(100, 10));
        for (int i = 0; i < 30; i++) {
            first.accept(event(i));
        }
        first.runOnce(now += 300 * MS); // a batch of 10 in flight, failing
        assertEquals(0, first.stats().spooled());
        first.close();
        SpoolingExporter.Stats st = first.stats();
        assertEquals(30, st.movedToSpool(), "the batch, the carry and the queue: " + st);
        assertEquals(st.accepted(), st.queued() - st.movedToSpool() + st.spooled() + st.lost());
        FakeSender up = new FakeSender();
        SpoolingExporter second = exporter(up, spool(1 << 20), opts(100, 10));
        drain(second);
        assertEquals(ids(0, 30), up.receivedIds());
        second.close();
    }

    @Test
    void retriesThroughTheDecoratorAndDeadLettersAFatalBatch() {
        FakeSender fake = FakeSender.failingRetriable(3);
        fake.failFatal = 1;
        List<Long> sleeps = new ArrayList<>();
        DeadLetters dl = DeadLetters.counting();
        RetryingSender retrying = new RetryingSender(fake,
                new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 2, 5, new Random(1)), sleeps::add,
                () -> now, dl, null);
        SpoolingExporter e = exporter(retrying, null, opts(100, 5));
        for (int i = 0; i < 10; i++) {
            e.accept(event(i));
        }
        drain(e);
        assertEquals(3, sleeps.size(), "3 retriable failures, 3 back-off waits, no real sleep");
        assertEquals(5, dl.count(), "the refused batch of 5 is dead-lettered");
        assertEquals(ids(5, 10), fake.receivedIds(), "the next batch is delivered");
        e.close();
    }

    @Test
    void threadedExporterDeliversEverythingInOrderAndCloseDrains() throws Exception {
        FakeSender slow = new FakeSender() {
            @Override
            public void send(List<Record> batch) throws SendException {
                if (calls % 3 == 1) {
                    calls++;
                    throw new SendException.Retriable("flaky", null);
                }
                super.send(batch);
            }
        };
        QueueOptions o = new QueueOptions(64, 100, 1 << 20, Duration.ofMillis(5), Duration.ofMillis(1),
                Duration.ofSeconds(20));
        SpoolingExporter e = SpoolingExporter.start(new JsonRecordEncoder(), slow,
                DiskSpool.open(new SpoolOptions(dir.resolve("t"), 64 << 20, 1 << 20, FsyncPolicy.never())),
                o, listener);
        for (int i = 0; i < 5000; i++) {
            e.accept(event(i));
        }
        e.close();
        assertEquals(ids(0, 5000), slow.receivedIds());
        assertEquals(0, e.lost());
        assertTrue(e.stats().sendFailures() > 0, "the flaky receiver failed some batches");
        assertTrue(slow.closed);
    }

    @Test
    void closeDoesNotHangOnAReceiverThatBlocksAndSpoolsWhatIsLeft() throws Exception {
        java.util.concurrent.CountDownLatch closedSender = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch inSend = new java.util.concurrent.CountDownLatch(1);
        RecordSender stuck = new RecordSender() {
            @Override
            public void send(List<Record> batch) throws SendException {
                inSend.countDown();
                while (true) { // like a socket write to a receiver that stopped reading: deaf to interrupts
                    try {
                        if (closedSender.await(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                            throw new SendException.Retriable("socket closed", null);
                        }
                    } catch (InterruptedException ignored) {
                        // keeps blocking
                    }
                }
            }

            @Override
            public String name() {
                return "stuck";
            }

            @Override
            public void close() {
                closedSender.countDown();
            }
        };
        QueueOptions o = new QueueOptions(1000, 10, 1 << 20, Duration.ZERO, Duration.ofMillis(10),
                Duration.ofMillis(100));
        SpoolingExporter e = SpoolingExporter.start(new JsonRecordEncoder(), stuck, spool(1 << 20), o, listener);
        for (int i = 0; i < 50; i++) {
            e.accept(event(i));
        }
        assertTrue(inSend.await(10, java.util.concurrent.TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        e.close();
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "close returned in time");
        assertEquals(0, e.lost());
        FakeSender up = new FakeSender();
        SpoolingExporter next = exporter(up, spool(1 << 20), opts(100, 10));
        drain(next);
        assertEquals(ids(0, 50), up.receivedIds(), "the blocked batch and the queue were spooled for the next run");
        next.close();
    }

    @Test
    void openWiresRetriesAndOneListenerHearsRetriesAndTheRecovery() throws Exception {
        List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        SpoolingExporter.Listener l = new SpoolingExporter.Listener() {
            @Override
            public void retrying(String sender, int attempt, long delayNanos, SendException.Retriable cause) {
                heard.add("retrying " + attempt);
            }

            @Override
            public void spoolRecovered(long replay, long truncatedBytes, int truncations) {
                heard.add("recovered " + replay + " " + truncatedBytes + " " + truncations);
            }
        };
        SpoolOptions so = new SpoolOptions(dir.resolve("open"), 1 << 20, 4096, FsyncPolicy.never());
        try (DiskSpool left = DiskSpool.open(so)) { // a previous run left 3 records
            for (int i = 0; i < 3; i++) {
                left.append(new JsonRecordEncoder().encode(event(i)));
            }
        }
        java.nio.file.Path seg;
        try (var files = java.nio.file.Files.list(so.directory())) {
            seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        java.nio.file.Files.write(seg, new byte[] {0, 0, 0, 99, 1, 2}, java.nio.file.StandardOpenOption.APPEND);
        FakeSender fake = FakeSender.failingRetriable(2);
        Backoff fast = new Backoff(Duration.ofNanos(1000), Duration.ofNanos(1000), 1, 10, new Random(1));
        SpoolingExporter e = SpoolingExporter.open(new JsonRecordEncoder(), fake, so,
                QueueOptions.DEFAULTS.withBatch(100, 1 << 20, Duration.ofMillis(1)), fast, DeadLetters.counting(), l);
        for (int i = 3; i < 10; i++) {
            e.accept(event(i));
        }
        e.close();
        assertEquals(ids(0, 10), fake.receivedIds(), "the 3 left over first, then the new ones, after 2 retries");
        assertEquals("recovered 3 6 1", heard.get(0), "the torn 6 bytes were cut and reported");
        assertTrue(heard.containsAll(List.of("retrying 1", "retrying 2")), heard.toString());
        assertEquals(6, e.stats().spoolTruncatedBytes());
        assertEquals(3, e.stats().replayed());
    }
}

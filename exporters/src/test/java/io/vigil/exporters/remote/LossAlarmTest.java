package io.vigil.exporters.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.ExportLoss;
import io.vigil.exporters.TestEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full queue or spool while the receiver is down becomes export_loss alerts with exact counts, rate-limited. */
class LossAlarmTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Instant T0 = Instant.parse("2024-04-14T02:18:00Z");
    @TempDir
    Path dir;
    private long now;
    private final InstantSource wall = () -> T0.plusNanos(now);

    /** Events of one size (pids 1000..1009, same argument lengths), so the spool's capacity is a whole number. */
    private static Event event(int i) {
        return TestEvents.exec(1000 + i % 10, "/bin/sh", "-c step" + i % 10);
    }

    private static int frameBytes(Event e) {
        Record r = new JsonRecordEncoder().encode(e);
        return DiskSpool.HEADER + 8 + r.id().length() + r.key().length() + r.payload().length;
    }

    private DiskSpool spool() throws IOException {
        return DiskSpool.open(new SpoolOptions(dir.resolve("spool"), 2048, 1024, FsyncPolicy.never()), () -> now);
    }

    private static QueueOptions queue(int capacity) {
        return QueueOptions.DEFAULTS.withQueueCapacity(capacity).withCloseTimeout(Duration.ofMillis(50));
    }

    private SpoolingExporter exporter(RecordSender sender, DiskSpool spool, int queueCapacity) {
        return new SpoolingExporter(new JsonRecordEncoder(), sender, spool, queue(queueCapacity), null, () -> now);
    }

    private LossAlarm alarm(SpoolingExporter e) {
        return new LossAlarm(List.of(e), 10 * SECOND, "n1", () -> now, wall);
    }

    private static ExportLoss only(List<Event> alerts) {
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals("n1", alerts.get(0).nodeName());
        return (ExportLoss) alerts.get(0).body();
    }

    @Test
    void aFullSpoolWhileTheReceiverIsDownIsOneAlertWithTheExactCount() throws IOException {
        int frame = frameBytes(event(0));
        for (int i = 1; i < 10; i++) {
            assertEquals(frame, frameBytes(event(i)), "same-sized records");
        }
        int fits = 2048 / frame;
        FakeSender down = new FakeSender();
        down.down = true;
        SpoolingExporter e = exporter(down, spool(), 2);
        LossAlarm alarm = alarm(e);
        assertEquals(List.of(), alarm.due(false), "nothing lost, nothing to say");
        for (int i = 0; i < 40; i++) {
            e.accept(event(i));
        }
        e.runOnce(now); // fills a batch
        now += SECOND; // past its linger
        e.runOnce(now); // the receiver refuses it: kept, not lost
        assertTrue(down.calls > 0);
        SpoolingExporter.Stats s = e.stats();
        assertEquals(2, s.queued());
        assertEquals(2, s.movedToSpool(), "the third record overflowed: the queue went to the spool first");
        assertEquals(fits, s.spooled(), "2048 bytes of " + frame + "-byte frames");
        long lost = 40 - fits;
        ExportLoss a = only(alarm.due(false));
        assertEquals(new ExportLoss("fake", ExportLoss.Reason.SPOOL_FULL, lost, lost, T0), a);
        assertEquals(lost, e.stats().lost());
        assertEquals(List.of(), alarm.due(false), "reported once");
        e.close();
    }

    @Test
    void anAlertEncodesForKafkaKeyedByItsExporterAndReadsAsASentence() {
        Event alert = new Event("n1", T0, new ExportLoss("syslog", ExportLoss.Reason.QUEUE_FULL, 1, 3, T0));
        Record r = new JsonRecordEncoder().encode(alert);
        assertEquals("export_loss:syslog", r.key(), "about no process: one exporter's alerts in one partition");
        assertTrue(new String(r.payload(), java.nio.charset.StandardCharsets.UTF_8)
                .startsWith("{\"export_loss\":{\"exporter\":\"syslog\""));
        assertEquals("the syslog exporter lost 1 event (3 since the agent started): queue_full",
                LossAlarm.describe((ExportLoss) alert.body()));
    }

    @Test
    void laterLossesWaitForTheIntervalAndAreSummed() throws IOException {
        FakeSender down = new FakeSender();
        down.down = true;
        SpoolingExporter e = exporter(down, null, 3);
        LossAlarm alarm = alarm(e);
        for (int i = 0; i < 10; i++) {
            e.accept(event(i));
        }
        now = 2 * SECOND;
        assertEquals(new ExportLoss("fake", ExportLoss.Reason.QUEUE_FULL, 7, 7, T0), only(alarm.due(false)),
                "the first loss at once: 3 queued, 7 lost");
        Instant first = wall.instant();
        for (int i = 0; i < 3; i++) {
            e.accept(event(i));
        }
        now += 10 * SECOND - 1;
        assertEquals(List.of(), alarm.due(false), "1 ns short of the interval");
        e.accept(event(3));
        e.accept(event(4));
        now += 1;
        assertEquals(new ExportLoss("fake", ExportLoss.Reason.QUEUE_FULL, 5, 12, first), only(alarm.due(false)));
        Instant second = wall.instant();
        e.accept(event(5));
        now += SECOND;
        assertEquals(List.of(), alarm.due(false));
        assertEquals(new ExportLoss("fake", ExportLoss.Reason.QUEUE_FULL, 1, 13, second), only(alarm.due(true)),
                "close forces the rest out");
        e.close();
    }

    @Test
    void oneAlertPerExporterAndOnlyForTheOneThatLost() throws IOException {
        FakeSender down = new FakeSender();
        down.down = true;
        SpoolingExporter losing = exporter(down, null, 1);
        SpoolingExporter fine = exporter(new FakeSender(), null, 100);
        LossAlarm alarm = new LossAlarm(List.of(losing, fine), 10 * SECOND, "n1", () -> now, wall);
        for (int i = 0; i < 4; i++) {
            losing.accept(event(i));
            fine.accept(event(i));
        }
        assertEquals(new ExportLoss("fake", ExportLoss.Reason.QUEUE_FULL, 3, 3, T0), only(alarm.due(false)));
        losing.close();
        fine.close();
    }

    @Test
    void alertsReachEveryTargetEvenPastABrokenOne() throws IOException {
        SpoolingExporter e = exporter(new FakeSender(), null, 1);
        List<Event> got = new ArrayList<>();
        LossAlertSink sink = new LossAlertSink(alarm(e), List.of(new Recording(null), new Recording(got)));
        sink.accept(event(0));
        assertEquals(List.of(), got, "the events handed to it are not forwarded: only alerts");
        e.accept(event(0));
        e.accept(event(1));
        sink.flush();
        assertEquals(1, got.size());
        assertEquals(1, ((ExportLoss) got.get(0).body()).lost());
        assertEquals(1, sink.alerts());
        assertEquals(1, sink.targetFailures());
        e.close();
    }

    /** A loss counter without an exporter behind it. */
    private static final class Losing implements LossAlarm.Source {
        final String name;
        long lost;

        Losing(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long lost() {
            return lost;
        }

        @Override
        public ExportLoss.Reason lastLossReason() {
            return ExportLoss.Reason.SPOOL_FULL;
        }
    }

    private static List<String> lossesOf(List<Event> got) {
        return got.stream().map(e -> ((ExportLoss) e.body()).exporter()).toList();
    }

    @Test
    void anAlertReachesTheOtherRemotesButNeverTheExporterThatLost() {
        Losing kafka = new Losing("kafka");
        Losing es = new Losing("elasticsearch");
        List<Event> local = new ArrayList<>();
        List<Event> toKafka = new ArrayList<>();
        List<Event> toEs = new ArrayList<>();
        List<Event> toSyslog = new ArrayList<>();
        java.util.Map<String, EventSink> remotes = new java.util.LinkedHashMap<>();
        remotes.put("kafka", new Recording(toKafka));
        remotes.put("elasticsearch", new Recording(toEs));
        remotes.put("syslog", new Recording(toSyslog));
        LossAlertSink sink = new LossAlertSink(new LossAlarm(List.of(kafka, es), 10 * SECOND, "n1", () -> now, wall),
                List.of(new Recording(local)), remotes);
        kafka.lost = 5;
        sink.flush();
        assertEquals(List.of("kafka"), lossesOf(local));
        assertEquals(List.of(), toKafka, "kafka is the one failing: not handed its own alert");
        assertEquals(List.of("kafka"), lossesOf(toEs));
        assertEquals(List.of("kafka"), lossesOf(toSyslog));
        es.lost = 2;
        sink.accept(event(0));
        assertEquals(List.of("elasticsearch"), lossesOf(toKafka));
        assertEquals(List.of("kafka"), lossesOf(toEs), "not its own");
        assertEquals(List.of("kafka", "elasticsearch"), lossesOf(toSyslog));
        kafka.lost = 6;
        sink.close();
        assertEquals(List.of("kafka", "elasticsearch", "kafka"), lossesOf(local), "close forces the last one out");
        assertEquals(List.of("kafka", "elasticsearch"), lossesOf(toSyslog), "at close the remotes are closed already");
        assertEquals(0, sink.targetFailures());
    }

    @Test
    void aBlockedReceiverNeverMakesTheCallerOrTheAlertWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inSend = new CountDownLatch(1);
        RecordSender stuck = new RecordSender() {
            @Override
            public void send(List<Record> batch) {
                inSend.countDown();
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public String name() {
                return "stuck";
            }

            @Override
            public void close() {
                release.countDown();
            }
        };
        SpoolingExporter e = SpoolingExporter.start(new JsonRecordEncoder(), stuck, spool(),
                queue(2).withBatch(1, 1 << 20, Duration.ZERO), null);
        List<Event> got = new ArrayList<>();
        LossAlertSink sink = new LossAlertSink(new LossAlarm(List.of(e), 10 * SECOND, "n1", System::nanoTime, wall),
                List.of(new Recording(got)));
        e.accept(event(0));
        assertTrue(inSend.await(5, java.util.concurrent.TimeUnit.SECONDS), "the sender is stuck in send()");
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int i = 1; i < 500; i++) {
                e.accept(event(i));
                sink.accept(event(i));
            }
        });
        SpoolingExporter.Stats s = e.stats();
        assertEquals(500, s.accepted());
        assertEquals(500, s.queued() - s.movedToSpool() + s.spooled() + s.lost(),
                "every event queued, spooled or counted lost (moved from the queue to the spool: counted once)");
        assertTrue(s.lost() > 400, s.toString());
        assertEquals(1, got.size(), "the first loss at once, the rest wait for the interval");
        long first = ((ExportLoss) got.get(0).body()).lost();
        sink.close();
        assertEquals(2, got.size());
        assertEquals(s.lost(), first + ((ExportLoss) got.get(1).body()).lost(), "all of it, exactly once");
        release.countDown();
        e.close();
    }

    /** A target that keeps what it gets, or throws (null list). */
    private record Recording(List<Event> got) implements EventSink {
        @Override
        public void accept(Event event) {
            if (got == null) {
                throw new IllegalStateException("broken output");
            }
            got.add(event);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

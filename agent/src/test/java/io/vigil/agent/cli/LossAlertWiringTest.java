package io.vigil.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.output.JsonLinesSink;
import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessInfo;
import io.vigil.exporters.elasticsearch.EcsEncoder;
import io.vigil.exporters.remote.JsonRecordEncoder;
import io.vigil.exporters.remote.LossAlertSink;
import io.vigil.exporters.remote.QueueOptions;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.RecordSender;
import io.vigil.exporters.remote.SpoolingExporter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * vigil run's sink order: the remote exporters, their loss alerts, then stdout and the file that carry
 * them; the other remote exporters carry them too.
 */
class LossAlertWiringTest {

    /** A receiver that never answers until closed: the memory queue fills, and the rest is lost. */
    private static final class Stuck implements RecordSender {
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void send(List<Record> batch) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String name() {
            return "kafka";
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    /** A receiver that takes everything and keeps the payloads. */
    private static final class Keeping implements RecordSender {
        final List<String> payloads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void send(List<Record> batch) {
            batch.forEach(r -> payloads.add(new String(r.payload(), StandardCharsets.UTF_8)));
        }

        @Override
        public String name() {
            return "elasticsearch";
        }

        @Override
        public void close() {
        }
    }

    private static Event exec(int i) {
        return new Event("n1", Instant.EPOCH, new ProcessExec(ProcessInfo.builder().execId("x" + i).pid(i)
                .binary("/bin/true").build(), null));
    }

    @Test
    void aLossOfKafkaReachesElasticsearchAsAnEcsAlertAndNeverKafkaItself() {
        Stuck stuck = new Stuck();
        SpoolingExporter kafka = SpoolingExporter.start(new JsonRecordEncoder(), stuck, null,
                QueueOptions.DEFAULTS.withQueueCapacity(1).withBatch(1, 1 << 20, Duration.ZERO)
                        .withCloseTimeout(Duration.ofMillis(50)), null);
        Keeping es = new Keeping();
        SpoolingExporter elasticsearch = SpoolingExporter.start(new EcsEncoder(), es, null,
                QueueOptions.DEFAULTS.withBatch(100, 1 << 20, Duration.ZERO).withCloseTimeout(Duration.ofSeconds(10)),
                null);
        List<EventSink> outputs = new ArrayList<>();
        List<EventSink> sinks = new ArrayList<>(RemoteExportFlags.withLossAlerts(List.of(
                new RemoteExportFlags.Started("kafka", kafka),
                new RemoteExportFlags.Started("elasticsearch", elasticsearch)), outputs, "n1"));
        for (int i = 0; i < 10; i++) {
            Event e = exec(i);
            sinks.forEach(s -> s.accept(e));
        }
        sinks.forEach(EventSink::close);
        assertTrue(kafka.stats().lost() >= 8, kafka.stats().toString());
        assertEquals(10, kafka.stats().accepted(), "kafka was not handed its own alert");
        assertEquals(11, elasticsearch.stats().accepted(), "the 10 events and kafka's first alert (the next ones"
                + " wait for the interval; at close elasticsearch is closed already)");
        List<String> alerts = es.payloads.stream().filter(p -> p.contains("\"dataset\":\"vigil.export_loss\"")).toList();
        assertEquals(1, alerts.size(), es.payloads.toString());
        assertTrue(alerts.get(0).contains("\"kind\":\"alert\"") && alerts.get(0).contains("\"exporter\":\"kafka\""),
                alerts.get(0));
    }

    @Test
    void aRemoteExportersLossReachesStdoutAsAnExportLossLine() {
        SpoolingExporter kafka = SpoolingExporter.start(new JsonRecordEncoder(), new Stuck(), null,
                QueueOptions.DEFAULTS.withQueueCapacity(1).withBatch(1, 1 << 20, Duration.ZERO)
                        .withCloseTimeout(Duration.ofMillis(50)), null);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        List<EventSink> outputs = new ArrayList<>(List.of(new JsonLinesSink(stdout)));
        List<EventSink> before = RemoteExportFlags.withLossAlerts(List.of(new RemoteExportFlags.Started("kafka", kafka)),
                outputs, "n1");
        assertEquals(2, before.size());
        assertSame(kafka, before.get(0));
        assertInstanceOf(LossAlertSink.class, before.get(1));
        List<EventSink> sinks = new ArrayList<>(before);
        sinks.addAll(outputs);
        for (int i = 0; i < 10; i++) {  // as SinkDispatcher does: each event to every sink in order
            Event e = new Event("n1", Instant.EPOCH, new ProcessExec(ProcessInfo.builder().execId("x" + i).pid(i)
                    .binary("/bin/true").build(), null));
            sinks.forEach(s -> s.accept(e));
        }
        sinks.forEach(EventSink::close);
        long lost = kafka.stats().lost();
        assertTrue(lost >= 8, "batches of 1: at most 1 queued and 1 in flight: " + kafka.stats());
        String out = stdout.toString(StandardCharsets.UTF_8);
        long reported = out.lines().filter(l -> l.startsWith("{\"export_loss\":{\"exporter\":\"kafka\""))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*\"lost\":\"(\\d+)\".*", "$1"))).sum();
        assertEquals(lost, reported, "every lost event reported once:\n" + out);
        assertEquals(10, out.lines().filter(l -> l.startsWith("{\"process_exec\"")).count());
    }
}

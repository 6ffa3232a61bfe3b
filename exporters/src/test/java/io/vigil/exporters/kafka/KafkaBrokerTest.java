package io.vigil.exporters.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.api.Event;
import io.vigil.exporters.TestEvents;
import io.vigil.exporters.remote.Backoff;
import io.vigil.exporters.remote.DeadLetters;
import io.vigil.exporters.remote.DiskSpool;
import io.vigil.exporters.remote.FsyncPolicy;
import io.vigil.exporters.remote.JsonRecordEncoder;
import io.vigil.exporters.remote.QueueOptions;
import io.vigil.exporters.remote.RecordIds;
import io.vigil.exporters.remote.RetryingSender;
import io.vigil.exporters.remote.SendException;
import io.vigil.exporters.remote.Sleeper;
import io.vigil.exporters.remote.SpoolOptions;
import io.vigil.exporters.remote.SpoolingExporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka exporter against a real in-JVM KRaft broker (combined broker and controller) on loopback. */
class KafkaBrokerTest {
    private static final int N = 5000;
    private static final String TOPIC = "vigil-events";

    private static Event event(int i) {
        return i % 4 == 3 ? TestEvents.kprobe(20_000 + i, "/usr/bin/cat", "file-monitoring")
                : TestEvents.exec(20_000 + i, "/bin/sh", "-c " + i);
    }

    @Test
    void everyEventIsConsumedExactlyOnceKeyedByExecIdInOrderPerPartition(@TempDir Path dir) throws Exception {
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBaseDirectory(dir.resolve("kraft")).build()).build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String bootstrap = cluster.bootstrapServers();
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
            }

            List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            RetryingSender sender = new RetryingSender(new KafkaSender(KafkaOptions.of(bootstrap, TOPIC)),
                    Backoff.defaults().withMaxRetries(5), Sleeper.SYSTEM, System::nanoTime,
                    DeadLetters.counting(), new RetryingSender.Listener() {
                        @Override
                        public void deadLettered(String name, int records, SendException.Fatal cause) {
                            problems.add(records + " dead-lettered: " + cause.getMessage());
                        }
                    });
            DiskSpool spool = DiskSpool.open(new SpoolOptions(dir.resolve("spool"), 256 << 20, 8 << 20,
                    FsyncPolicy.never()));
            SpoolingExporter e = SpoolingExporter.start(new JsonRecordEncoder(), sender, spool,
                    QueueOptions.DEFAULTS.withQueueCapacity(500).withBatch(500, 1 << 20, Duration.ofMillis(20))
                            .withCloseTimeout(Duration.ofSeconds(60)), null);
            for (int i = 0; i < N; i++) {
                e.accept(event(i));
            }
            e.close();
            assertEquals(0, e.lost());
            assertEquals(N, e.stats().sent());
            assertEquals(0, sender.deadLetters().count(), problems.isEmpty() ? "" : problems.get(0));

            JsonRecordEncoder enc = new JsonRecordEncoder();
            Map<String, Integer> expectedOrder = new HashMap<>();
            for (int i = 0; i < N; i++) {
                expectedOrder.put(enc.encode(event(i)).id(), i);
            }
            List<ConsumerRecord<byte[], byte[]>> got = consumeAll(bootstrap, N);
            assertEquals(N, got.size(), "exactly N records on the topic");
            Set<String> ids = new HashSet<>();
            Map<Integer, Integer> lastIndexPerPartition = new HashMap<>();
            ObjectMapper json = new ObjectMapper();
            for (ConsumerRecord<byte[], byte[]> r : got) {
                String id = new String(r.headers().lastHeader(KafkaSender.ID_HEADER).value(), StandardCharsets.US_ASCII);
                assertTrue(ids.add(id), "id " + id + " consumed twice");
                assertEquals(id, RecordIds.of(r.value()), "the id is the hash of the value");
                Integer index = expectedOrder.get(id);
                assertTrue(index != null, "an id we sent");
                JsonNode v = json.readTree(r.value());
                String type = index % 4 == 3 ? "process_kprobe" : "process_exec";
                assertEquals(v.get(type).get("process").get("exec_id").asText(),
                        new String(r.key(), StandardCharsets.UTF_8), "key = exec_id");
                Integer last = lastIndexPerPartition.put(r.partition(), index);
                assertTrue(last == null || last < index, "in order within partition " + r.partition());
            }
            assertEquals(N, ids.size(), "distinct ids");
            assertEquals(3, lastIndexPerPartition.size(), "keys spread over the 3 partitions");
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consumeAll(String bootstrap, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int emptyPollsAfterAll = 0;
            while (System.nanoTime() < deadline && emptyPollsAfterAll < 3) {
                var recs = c.poll(Duration.ofMillis(500));
                recs.forEach(out::add);
                if (out.size() >= expected && recs.isEmpty()) {
                    emptyPollsAfterAll++; // keep polling a little: extra (duplicate) records would show here
                }
            }
        }
        return out;
    }
}

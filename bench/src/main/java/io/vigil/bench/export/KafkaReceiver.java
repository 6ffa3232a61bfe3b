package io.vigil.bench.export;

import io.vigil.exporters.kafka.KafkaOptions;
import io.vigil.exporters.kafka.KafkaSender;
import io.vigil.exporters.remote.JsonRecordEncoder;
import io.vigil.exporters.remote.RecordEncoder;
import io.vigil.exporters.remote.RecordSender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * An in-JVM KRaft broker (combined broker and controller, Kafka's KafkaClusterTestKit, started as
 * KafkaBrokerTest starts it). Each run gets a topic of its own with 3 partitions; a consumer
 * (read_committed, from the beginning) counts its records. The broker shares this JVM, so its CPU is
 * in the JVM's figure.
 */
final class KafkaReceiver implements Receiver {
    private static final int PARTITIONS = 3;

    private final KafkaClusterTestKit cluster;
    private final String bootstrap;
    private String topic;
    private KafkaConsumer<byte[], byte[]> consumer;
    private long counted;

    private KafkaReceiver(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.bootstrap = cluster.bootstrapServers();
    }

    static KafkaReceiver start(Path dir) throws Exception {
        KafkaClusterTestKit c = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBaseDirectory(dir.resolve("kraft")).build()).build();
        try {
            c.format();
            c.startup();
            c.waitForReadyBrokers();
            return new KafkaReceiver(c);
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    @Override
    public String exporter() {
        return "kafka";
    }

    @Override
    public String describe() {
        return "Kafka KRaft broker+controller in this JVM (KafkaClusterTestKit) at " + bootstrap + ", "
                + PARTITIONS + " partitions";
    }

    @Override
    public String newRun(int run) throws Exception {
        closeConsumer();
        topic = "vigil-events-bench" + run;
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = IntStream.range(0, PARTITIONS).mapToObj(i -> new TopicPartition(topic, i)).toList();
        consumer.assign(parts);
        // ListOffsets is answered by each partition's leader only: once it is, a produce will not meet
        // NOT_LEADER_OR_FOLLOWER on a topic created a moment ago (a receiver not ready yet is not the
        // exporter's rate; see bench/README.md for what that race did to the count)
        consumer.endOffsets(parts, Duration.ofSeconds(60));
        consumer.seekToBeginning(parts);
        counted = 0;
        return topic;
    }

    @Override
    public RecordEncoder encoder() {
        return new JsonRecordEncoder();
    }

    @Override
    public RecordSender sender() {
        return new KafkaSender(KafkaOptions.of(bootstrap, topic)); // as RemoteExportFlags: --export-kafka, --export-kafka-topic
    }

    /** Polls until a poll returns nothing; the count grows over calls (the consumer keeps its position). */
    @Override
    public long count() {
        ConsumerRecords<byte[], byte[]> recs;
        do {
            recs = consumer.poll(Duration.ofMillis(200));
            counted += recs.count();
        } while (!recs.isEmpty());
        return counted;
    }

    @Override
    public long cpuNanos() {
        return -1;
    }

    private void closeConsumer() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }

    @Override
    public void close() throws Exception {
        closeConsumer();
        cluster.close();
    }
}

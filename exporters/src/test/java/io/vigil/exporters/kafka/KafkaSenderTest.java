package io.vigil.exporters.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.SendException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The sender against Kafka's MockProducer: what it writes, and how it classifies failures. */
class KafkaSenderTest {
    private final AtomicInteger made = new AtomicInteger();
    private MockProducer<byte[], byte[]> mock;

    private KafkaSender sender() {
        return new KafkaSender(KafkaOptions.of("unused:9092", "vigil-events"), () -> {
            made.incrementAndGet();
            mock = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            return mock;
        });
    }

    private static Record rec(int i) {
        return new Record("id" + i, "exec" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesKeyValueAndTheIdHeader() throws Exception {
        KafkaSender s = sender();
        s.send(List.of(rec(1), rec(2), new Record("id3", "", new byte[] {'{', '}'})));
        List<ProducerRecord<byte[], byte[]>> h = mock.history();
        assertEquals(3, h.size());
        assertEquals("vigil-events", h.get(0).topic());
        assertEquals("exec1", new String(h.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("{\"n\":1}", new String(h.get(0).value(), StandardCharsets.UTF_8));
        assertEquals("id2", new String(h.get(1).headers().lastHeader(KafkaSender.ID_HEADER).value(),
                StandardCharsets.US_ASCII));
        assertEquals(null, h.get(2).key(), "no exec_id: no key (round-robin)");
        s.close();
        assertTrue(mock.closed());
    }

    @Test
    void classifiesFailures() {
        KafkaSender s = sender();
        assertInstanceOf(SendException.Fatal.class, s.classify(new RecordTooLargeException("big")));
        assertInstanceOf(SendException.Fatal.class, s.classify(new TopicAuthorizationException("no")));
        assertInstanceOf(SendException.Retriable.class, s.classify(new NetworkException("down")));
    }

    @Test
    void aSendErrorIsThrownAsItsKindAndABrokenProducerIsReplaced() throws Exception {
        KafkaSender s = sender();
        s.send(List.of(rec(0)));
        mock.sendException = new NetworkException("broker gone");
        assertThrows(SendException.Retriable.class, () -> s.send(List.of(rec(1))));
        assertEquals(1, made.get(), "a retriable error keeps the producer");
        mock.sendException = new RecordTooLargeException("too big");
        assertThrows(SendException.Fatal.class, () -> s.send(List.of(rec(2))));
        mock.sendException = new ProducerFencedException("fenced");
        assertThrows(SendException.Retriable.class, () -> s.send(List.of(rec(3))));
        s.send(List.of(rec(4)));
        assertEquals(2, made.get(), "a fenced producer was closed and a new one made");
        assertEquals(1, mock.history().size());
    }

    @Test
    void deliveryCriticalSettingsCannotBeOverridden() {
        Properties p = KafkaSender.producerConfig(new KafkaOptions("b:1", "t", null, "zstd", null,
                Map.of(ProducerConfig.ACKS_CONFIG, "0", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                        "security.protocol", "SSL")));
        assertEquals("all", p.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("true", p.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("SSL", p.get("security.protocol"));
        assertEquals("zstd", p.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        assertEquals("vigil", p.get(ProducerConfig.CLIENT_ID_CONFIG));
    }

    @Test
    void theConfigurationIsOneKafkaAccepts() {
        for (java.time.Duration d : List.of(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30),
                java.time.Duration.ofMinutes(5))) {
            Properties p = KafkaSender.producerConfig(new KafkaOptions("127.0.0.1:1", "t", null, null, d, null));
            new org.apache.kafka.clients.producer.KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer()).close(java.time.Duration.ZERO); // throws ConfigException if not
        }
    }
}

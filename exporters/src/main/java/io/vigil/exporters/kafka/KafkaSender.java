package io.vigil.exporters.kafka;

import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.RecordSender;
import io.vigil.exporters.remote.SendException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records to a Kafka topic: key = the exec_id (one process's events in one partition, in order),
 * value = the Tetragon JSON, header {@code vigil-id} = the record id (consumers dedup on it).
 *
 * <p>The producer is idempotent ({@code enable.idempotence=true, acks=all}, at most 5 requests in
 * flight), so its own retries normally neither duplicate nor reorder within a session; not across a
 * leader that lost its producer state (seen on a topic just created: exporters/README.md), hence the
 * {@code vigil-id} header. A batch is sent, flushed,
 * and succeeds only when the broker acknowledged every record. Failures:
 * <ul>
 *   <li>retriable broker errors (timeouts, leader changes, not enough replicas) after the producer's own
 *       {@code delivery.timeout.ms}: {@link SendException.Retriable}; the exporter resends the batch,
 *       and records that had made it are duplicates a consumer drops by {@code vigil-id};</li>
 *   <li>a record too large, an invalid topic, authentication or authorization refused:
 *       {@link SendException.Fatal} (dead-lettered by the retrying decorator);</li>
 *   <li>any other producer error (fenced, out-of-order sequence): the producer is closed and a new one
 *       made for the next attempt, which is Retriable.</li>
 * </ul>
 */
public final class KafkaSender implements RecordSender {
    public static final String ID_HEADER = "vigil-id";

    private final KafkaOptions options;
    private final Supplier<Producer<byte[], byte[]>> factory;
    private Producer<byte[], byte[]> producer;

    public KafkaSender(KafkaOptions options) {
        this(options, () -> new KafkaProducer<>(producerConfig(options), new ByteArraySerializer(),
                new ByteArraySerializer()));
    }

    /** With a producer factory (tests use {@code MockProducer}). */
    public KafkaSender(KafkaOptions options, Supplier<Producer<byte[], byte[]>> factory) {
        this.options = options;
        this.factory = factory;
    }

    /** The producer's configuration: the options, then {@code extra}, then what delivery depends on. */
    public static Properties producerConfig(KafkaOptions o) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, o.clientId());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, o.compression());
        long delivery = o.deliveryTimeout().toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
        // the producer insists on delivery.timeout.ms >= linger.ms + request.timeout.ms
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(delivery / 2, 30_000)));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Math.min(delivery, 10_000)));
        p.putAll(o.extra());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        p.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return p;
    }

    @Override
    public void send(List<Record> batch) throws SendException {
        Producer<byte[], byte[]> p;
        try {
            p = producer();
        } catch (KafkaException e) {
            throw new SendException.Fatal("kafka: cannot create the producer: " + e.getMessage()
                    + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), e);
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        try {
            for (Record r : batch) {
                ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(options.topic(), null,
                        r.key().isEmpty() ? null : r.key().getBytes(StandardCharsets.UTF_8), r.payload());
                pr.headers().add(ID_HEADER, r.id().getBytes(StandardCharsets.US_ASCII));
                acks.add(p.send(pr));
            }
            p.flush();
            for (Future<RecordMetadata> f : acks) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw classify(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendException.Retriable("kafka: interrupted while waiting for the broker", e);
        } catch (KafkaException e) {
            throw classify(e);
        }
    }

    /** Fatal, Retriable, or Retriable with a new producer: see the class comment. */
    SendException classify(Throwable e) {
        String what = "kafka topic " + options.topic() + ": " + e;
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidTopicException || e instanceof AuthenticationException
                || e instanceof AuthorizationException || e instanceof SerializationException) {
            return new SendException.Fatal(what, e);
        }
        if (!(e instanceof RetriableException)) {
            closeProducer(); // its state may be unusable (fenced, sequence gap): start a new session
        }
        return new SendException.Retriable(what, e);
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = factory.get();
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException ignored) {
                // a broken producer: drop it anyway
            }
            producer = null;
        }
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void close() {
        closeProducer();
    }
}

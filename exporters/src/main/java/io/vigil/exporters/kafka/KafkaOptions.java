package io.vigil.exporters.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A Kafka topic to export to.
 *
 * @param bootstrapServers  {@code host:port[,host:port...]}
 * @param topic             the topic (created beforehand, or by the broker's auto-create)
 * @param clientId          the producer's client.id, in the broker's logs and quotas
 * @param compression       compression.type: none, gzip, snappy, lz4, zstd
 * @param deliveryTimeout   delivery.timeout.ms: how long the producer retries one batch on its own
 *                          before the exporter sees a Retriable failure (and sends the batch again)
 * @param extra             any other producer property (security.protocol, ssl.*, sasl.*): applied
 *                          last, except that idempotence, acks and the serializers cannot be changed
 */
public record KafkaOptions(String bootstrapServers, String topic, String clientId, String compression,
                           Duration deliveryTimeout, Map<String, String> extra) {

    public KafkaOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        clientId = clientId == null || clientId.isEmpty() ? "vigil" : clientId;
        compression = compression == null || compression.isEmpty() ? "none" : compression;
        deliveryTimeout = Objects.requireNonNullElse(deliveryTimeout, Duration.ofSeconds(30));
        if (deliveryTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("deliveryTimeout must be >= 1s, not " + deliveryTimeout);
        }
        extra = Map.copyOf(Objects.requireNonNullElse(extra, Map.of()));
    }

    public static KafkaOptions of(String bootstrapServers, String topic) {
        return new KafkaOptions(bootstrapServers, topic, null, null, null, null);
    }
}

package io.vigil.exporters.remote;

import java.util.Objects;

/**
 * One event as a remote receiver will store it, encoded once before it is queued or spooled, so a
 * replay after a crash sends exactly the bytes (and the id) of the first attempt.
 *
 * @param id      deterministic document id (same event, same id: a retry never duplicates)
 * @param key     partitioning key (Kafka: the process's exec_id); may be empty
 * @param payload the receiver-ready bytes (an ECS document, a syslog message body, a JSON line)
 */
public record Record(String id, String key, byte[] payload) {
    public Record {
        Objects.requireNonNull(id, "id");
        key = Objects.requireNonNullElse(key, "");
        Objects.requireNonNull(payload, "payload");
    }
}

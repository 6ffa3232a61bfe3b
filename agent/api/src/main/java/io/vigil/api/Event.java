package io.vigil.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One exported event: Tetragon's {@code GetEventsResponse} envelope, {@code {"<body key>":{...},
 * "node_name":"...","time":"..."}}.
 *
 * @param nodeName the node the event was observed on (omitted from JSON when empty)
 * @param time     when the sensor saw it (omitted when null)
 * @param body     what happened
 */
public record Event(String nodeName, Instant time, EventBody body) {
    public Event {
        nodeName = Objects.requireNonNullElse(nodeName, "");
        Objects.requireNonNull(body, "body");
    }
}

package io.vigil.exporters.remote;

import io.vigil.api.Event;

/** Turns an event into the {@link Record} one receiver stores (ECS for Elasticsearch, CEF for syslog, ...). */
@FunctionalInterface
public interface RecordEncoder {
    Record encode(Event event);
}

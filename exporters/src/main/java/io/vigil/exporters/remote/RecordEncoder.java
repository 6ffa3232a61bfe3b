package io.vigil.exporters.remote;

import io.vigil.api.Event;
import io.vigil.api.ExportLoss;

/** Turns an event into the {@link Record} one receiver stores (ECS for Elasticsearch, CEF for syslog, ...). */
@FunctionalInterface
public interface RecordEncoder {
    Record encode(Event event);

    /**
     * The record's partitioning key: the process's exec_id, so one process's events stay in one Kafka
     * partition, in order. An export_loss alert is about no process: its key is the exporter that lost
     * ({@code export_loss:kafka}), so one exporter's alerts stay in order too.
     */
    static String key(Event event) {
        if (event.body() instanceof ExportLoss l) {
            return ExportLoss.JSON_KEY + ":" + l.exporter();
        }
        return event.body().process().execId();
    }
}

package io.vigil.agent.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The agent's counters as Prometheus metrics in the {@code vigil_} namespace, read from the same
 * snapshot {@code vigil status} shows (so the two never disagree) and from {@link EventCounters}:
 * <ul>
 *   <li>{@code vigil_events_total{type}}: events that reached the sinks, by type;</li>
 *   <li>{@code vigil_events_lost_total{stage}}: kernel ring buffer, decode queue, sink queue, export
 *       rate limit, each exporter's spool ({@code stage="spool_full", exporter});</li>
 *   <li>{@code vigil_policy_actions_total{policy, action}};</li>
 *   <li>{@code vigil_exporter_<counter>_total{exporter}} (accepted, queued, spooled, sent, lost ...);</li>
 *   <li>{@code vigil_process_cache_entries} and the other cache gauges; {@code vigil_kernel_*},
 *       {@code vigil_pipeline_*}, {@code vigil_policy_events_*}, {@code vigil_export_file_*} counters;
 *       {@code vigil_policies{state}}.</li>
 * </ul>
 */
public final class StatusMetrics implements MultiCollector {
    private static final Set<String> CACHE_GAUGES = Set.of("entries", "live", "awaiting_collect", "parked");
    /** Where each loss of the status is counted, as a stage label. */
    private static final Map<String, String> LOSSES = Map.of(
            "kernel.ringbuf_full", "kernel_ringbuf",
            "kernel.execve_map_full", "kernel_process_map",
            "pipeline.raw_queue_drops", "decode_queue",
            "pipeline.fanotify_overflows", "fanotify_queue",
            "pipeline.sink_queue_drops", "sink_queue",
            "cache.parked_gave_up", "process_unknown",
            "export_file.rate_limited", "export_rate_limit",
            "agent_actions.dropped", "agent_actions_queue");

    private final Supplier<JsonNode> status;
    private final EventCounters events;

    public StatusMetrics(Supplier<JsonNode> status, EventCounters events) {
        this.status = status;
        this.events = events;
    }

    @Override
    public MetricSnapshots collect() {
        JsonNode s = status.get();
        List<MetricSnapshot> out = new ArrayList<>();
        Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
        Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();

        events.byType().forEach((type, n) -> counter(counters, "vigil_events", "events that reached the sinks, by type",
                Labels.of("type", type), n.sum()));
        events.byPolicyAction().forEach((pa, n) -> counter(counters, "vigil_policy_actions",
                "policy events by policy and the action taken", Labels.of("action", pa.action(), "policy", pa.policy()), n.sum()));
        LOSSES.forEach((path, stage) -> {
            JsonNode v = s.at("/" + path.replace('.', '/'));
            if (v.isNumber()) {
                counter(counters, "vigil_events_lost", "events lost, by stage", Labels.of("stage", stage), v.asDouble());
            }
        });
        for (String section : List.of("kernel", "pipeline", "policy_events", "agent_actions", "export_file")) {
            numbers(s.path(section), (k, v) -> counter(counters, "vigil_" + section + "_" + k, section + " counter " + k,
                    Labels.EMPTY, v));
        }
        numbers(s.path("cache"), (k, v) -> {
            if (CACHE_GAUGES.contains(k)) {
                gauge(gauges, "vigil_process_cache_" + k, "process cache " + k, Labels.EMPTY, v);
            } else {
                counter(counters, "vigil_process_cache_" + k, "process cache counter " + k, Labels.EMPTY, v);
            }
        });
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("exporters").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            numbers(e.getValue(), (k, v) -> counter(counters, "vigil_exporter_" + snake(k), "remote exporter counter " + k,
                    Labels.of("exporter", e.getKey()), v));
            JsonNode lost = e.getValue().path("lost");
            if (lost.isNumber()) {
                counter(counters, "vigil_events_lost", "events lost, by stage",
                        Labels.of("exporter", e.getKey(), "stage", "spool_full"), lost.asDouble());
            }
        }
        Map<String, Integer> states = new LinkedHashMap<>();
        for (JsonNode p : s.path("policies").path("policies")) {
            states.merge(p.path("state").asText(), 1, Integer::sum);
        }
        states.forEach((st, n) -> gauge(gauges, "vigil_policies", "tracing policies by state", Labels.of("state", st), n));
        gauge(gauges, "vigil_uptime_seconds", "seconds since the agent started", Labels.EMPTY, s.path("uptime_seconds").asDouble());
        counters.values().forEach(b -> out.add(b.build()));
        gauges.values().forEach(b -> out.add(b.build()));
        return new MetricSnapshots(out);
    }

    private interface NumberField {
        void accept(String key, double value);
    }

    private static void numbers(JsonNode node, NumberField f) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNumber()) {
                f.accept(snake(e.getKey()), e.getValue().asDouble());
            }
        }
    }

    /** sendFailures -> send_failures; snake_case stays. */
    static String snake(String k) {
        return k.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static void counter(Map<String, CounterSnapshot.Builder> m, String name, String help, Labels labels, double v) {
        // the exposition adds _total; a status field already ending in it (cache.parked_total, beside
        // the gauge cache.parked) gets another word
        String n0 = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) + "_seen" : name;
        m.computeIfAbsent(n0, n -> CounterSnapshot.builder().name(n).help(help))
                .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(v).build());
    }

    private static void gauge(Map<String, GaugeSnapshot.Builder> m, String name, String help, Labels labels, double v) {
        m.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
                .dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(v).build());
    }
}

package io.vigil.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The status snapshot as Prometheus text: names, labels, the losses by stage. */
class StatusMetricsTest {
    private static final String STATUS = """
            {"uptime_seconds": 12,
             "kernel": {"events_sent": 175, "ringbuf_full": 3},
             "pipeline": {"received": 175, "raw_queue_drops": 4, "sink_queue_drops": 0},
             "cache": {"entries": 19, "live": 11, "parked": 1, "parked_total": 6, "parked_gave_up": 2, "inserted": 125},
             "policy_events": {"events": 10},
             "agent_actions": {"done": 0, "dropped": 1},
             "export_file": {"path": "/var/log/vigil/events.json", "written": 170, "rate_limited": 5},
             "exporters": {"syslog": {"accepted": 9, "sent": 7, "lost": 2, "sendFailures": 4}},
             "policies": {"policies": [{"name": "a", "state": "running"}, {"name": "b", "state": "failed"}]}}
            """;

    @Test
    void textExposition() throws Exception {
        JsonNode status = new ObjectMapper().readTree(STATUS);
        EventCounters events = new EventCounters();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new StatusMetrics(() -> status, events));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        for (String line : new String[] {
            "vigil_events_lost_total{stage=\"kernel_ringbuf\"} 3.0",
            "vigil_events_lost_total{stage=\"decode_queue\"} 4.0",
            "vigil_events_lost_total{stage=\"process_unknown\"} 2.0",
            "vigil_events_lost_total{stage=\"export_rate_limit\"} 5.0",
            "vigil_events_lost_total{exporter=\"syslog\",stage=\"spool_full\"} 2.0",
            "vigil_exporter_send_failures_total{exporter=\"syslog\"} 4.0",
            "vigil_process_cache_entries 19.0",
            "vigil_process_cache_parked 1.0",
            "vigil_process_cache_parked_seen_total 6.0",
            "vigil_kernel_events_sent_total 175.0",
            "vigil_policies{state=\"failed\"} 1.0",
        }) {
            assertTrue(text.contains(line), "missing " + line + " in\n" + text);
        }
        assertTrue(!text.contains("export_file_path"), "text fields are not metrics");
    }
}

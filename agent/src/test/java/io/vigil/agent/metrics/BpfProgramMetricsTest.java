package io.vigil.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.bpf.ProgramRun;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The BPF run counts as Prometheus text, from a fake stats source. */
class BpfProgramMetricsTest {

    static String scrape(BpfProgramMetrics m) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(m);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void programsOfOneNameAreSummedAndNanosecondsBecomeSeconds() throws Exception {
        List<ProgramRun> runs = List.of(
                new ProgramRun(11, "event_execve", 40, 120_000),
                new ProgramRun(12, "generic_kprobe_", 3, 1_500_000_000L),   // one hook, two policies
                new ProgramRun(13, "generic_kprobe_", 2, 500_000_000L));
        String text = scrape(new BpfProgramMetrics(() -> runs, () -> true));
        for (String line : new String[] {
            "vigil_bpf_program_runs_total{program=\"event_execve\"} 40.0",
            "vigil_bpf_program_runs_total{program=\"generic_kprobe_\"} 5.0",
            "vigil_bpf_program_run_seconds_total{program=\"event_execve\"} 1.2E-4",
            "vigil_bpf_program_run_seconds_total{program=\"generic_kprobe_\"} 2.0",
            "vigil_bpf_stats_enabled 1.0",
        }) {
            assertTrue(text.contains(line + "\n"), "missing " + line + " in\n" + text);
        }
    }

    @Test
    void zerosComeWithTheReasonTheyAreZero() throws Exception {
        String text = scrape(new BpfProgramMetrics(() -> List.of(new ProgramRun(11, "event_execve", 0, 0)), () -> false));
        assertTrue(text.contains("vigil_bpf_program_runs_total{program=\"event_execve\"} 0.0\n"), text);
        assertTrue(text.contains("vigil_bpf_stats_enabled 0.0\n"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("vigil_bpf_program_runs_total")).count());
    }
}

package io.vigil.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.bpf.BpfStats;
import io.vigil.bpf.ProgramRun;
import io.vigil.bpf.ProgramStats;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The base sensors' run counts, through BPF_OBJ_GET_INFO_BY_FD, up to the metrics text. */
@Tag("kernel")
class BpfProgramMetricsKernelTest {

    @Test
    void execsOfBinTrueShowInTheExecSensorsRunCount() throws Exception {
        KernelTestSupport.requireRoot();
        try (Agent agent = Agent.start(AgentConfig.defaults().withBackend(KernelTestSupport.backend()), List.of());
             BpfStats counting = BpfStats.enable()) {
            String exec = null;
            for (var s : agent.status().get("sensors")) {
                if ("exec".equals(s.get("sensor").asText())) {
                    exec = s.get("program").asText();
                }
            }
            String label = exec.substring(0, Math.min(15, exec.length())); // the kernel keeps 15 characters
            BpfProgramMetrics metrics = new BpfProgramMetrics(ProgramStats::ofThisProcess,
                    () -> counting.isOn() || BpfStats.sysctlOn());
            long before = runs(BpfProgramMetricsTest.scrape(metrics), label);
            for (int i = 0; i < 5; i++) {
                assertEquals(0, new ProcessBuilder("/bin/true").start().waitFor());
            }
            String text = BpfProgramMetricsTest.scrape(metrics);
            assertTrue(runs(text, label) >= before + 5, "5 execs ran " + label + ":\n" + text);
            assertTrue(text.contains("vigil_bpf_stats_enabled 1.0\n"), text);
            assertEquals(fdinfoProgIds(), idsOf(ProgramStats.ofThisProcess()),
                    "bpf_prog_info.id at the offset ProgramStats reads is fdinfo's prog_id, for every program fd");
        }
    }

    private static long runs(String text, String program) {
        Matcher m = Pattern.compile("vigil_bpf_program_runs_total\\{program=\"" + Pattern.quote(program) + "\"} (\\S+)")
                .matcher(text);
        assertTrue(m.find(), "no run count of " + program + " in\n" + text);
        return (long) Double.parseDouble(m.group(1));
    }

    private static Set<Integer> idsOf(List<ProgramRun> runs) {
        Set<Integer> ids = new TreeSet<>();
        runs.forEach(r -> ids.add(r.id()));
        return ids;
    }

    private static Set<Integer> fdinfoProgIds() throws Exception {
        Set<Integer> ids = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
            for (Path p : ds) {
                try {
                    Files.readAllLines(p).stream().filter(l -> l.startsWith("prog_id:"))
                            .forEach(l -> ids.add(Integer.parseInt(l.substring(8).trim())));
                } catch (java.io.IOException e) {
                    // the directory stream's own fd, closed by now
                }
            }
        }
        return ids;
    }
}

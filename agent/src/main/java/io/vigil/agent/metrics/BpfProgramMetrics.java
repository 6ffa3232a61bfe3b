package io.vigil.agent.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vigil.bpf.ProgramRun;
import io.vigil.bpf.ProgramStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The kernel's run counts of the agent's BPF programs, read at each scrape:
 * <ul>
 *   <li>{@code vigil_bpf_program_runs_total{program}} and {@code vigil_bpf_program_run_seconds_total{program}}
 *       (bpf_prog_info run_cnt, run_time_ns). Programs of one name (a hook each policy loads) are summed:
 *       the label is the kernel's 15-character name, which does not tell them apart anyway;</li>
 *   <li>{@code vigil_bpf_stats_enabled}: 1 while the kernel counts. At 0 the counters stand still,
 *       which says nothing about the programs: counting is off (kernel.bpf_stats_enabled, or
 *       {@code vigil run --bpf-stats}).</li>
 * </ul>
 */
public final class BpfProgramMetrics implements MultiCollector {
    private final Supplier<List<ProgramRun>> programs;
    private final BooleanSupplier counting;

    /**
     * @param programs the programs to report (the agent: every one this process holds, {@link ProgramStats#ofThisProcess})
     * @param counting whether the kernel counts now
     */
    public BpfProgramMetrics(Supplier<List<ProgramRun>> programs, BooleanSupplier counting) {
        this.programs = programs;
        this.counting = counting;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, long[]> byName = new TreeMap<>();
        for (ProgramRun p : programs.get()) {
            long[] sum = byName.computeIfAbsent(p.name(), n -> new long[2]);
            sum[0] += p.runCount();
            sum[1] += p.runTimeNs();
        }
        CounterSnapshot.Builder runs = CounterSnapshot.builder().name("vigil_bpf_program_runs")
                .help("runs of the agent's BPF programs, by program name (counted only while vigil_bpf_stats_enabled is 1)");
        CounterSnapshot.Builder seconds = CounterSnapshot.builder().name("vigil_bpf_program_run_seconds")
                .help("time spent in the agent's BPF programs, by program name (counted only while vigil_bpf_stats_enabled is 1)");
        byName.forEach((name, sum) -> {
            Labels l = Labels.of("program", name);
            runs.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(sum[0]).build());
            seconds.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(sum[1] / 1e9).build());
        });
        GaugeSnapshot enabled = GaugeSnapshot.builder().name("vigil_bpf_stats_enabled")
                .help("1 while the kernel counts BPF program runs (kernel.bpf_stats_enabled or vigil run --bpf-stats)")
                .dataPoint(GaugeDataPointSnapshot.builder().value(counting.getAsBoolean() ? 1 : 0).build()).build();
        return new MetricSnapshots(runs.build(), seconds.build(), enabled);
    }
}

package io.vigil.bench;

import io.vigil.bpf.BpfStats;
import io.vigil.bpf.ProgramRun;
import io.vigil.bpf.ProgramStats;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benches' view of {@link ProgramStats}: run time of the BPF programs this JVM holds open (the
 * kernel fills run_cnt and run_time_ns only while kernel.bpf_stats_enabled is 1, and that costs two
 * clock reads per program run, so it is turned on for diagnostic phases only). Names are the
 * kernel's, cut to 15 characters. Public for io.vigil.bench.asset.
 */
public final class BpfProgStats {

    public record Prog(int id, String name, long runTimeNs, long runCount) {
        public Prog minus(Prog before) {
            return before == null ? this : new Prog(id, name, runTimeNs - before.runTimeNs, runCount - before.runCount);
        }
    }

    private BpfProgStats() {}

    /** Turns kernel.bpf_stats_enabled on; returns the previous value (restore with {@link #restore}). */
    public static String enable() throws IOException {
        return BpfStats.setSysctl("1");
    }

    public static void restore(String old) {
        try {
            BpfStats.setSysctl(old);
        } catch (IOException e) {
            System.err.println("cannot restore kernel.bpf_stats_enabled=" + old + ": " + e.getMessage());
        }
    }

    /** The BPF programs open in this process, by id. */
    public static Map<Integer, Prog> snapshot() {
        Map<Integer, Prog> out = new TreeMap<>();
        for (ProgramRun r : ProgramStats.ofThisProcess()) {
            out.put(r.id(), new Prog(r.id(), r.name(), r.runTimeNs(), r.runCount()));
        }
        return out;
    }
}

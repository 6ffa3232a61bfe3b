package io.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Run time of the BPF programs this JVM holds open, from /proc/self/fdinfo (run_time_ns, run_cnt;
 * the kernel fills them only while kernel.bpf_stats_enabled is 1, and that costs two clock reads
 * per program run, so it is turned on for diagnostic phases only). Public for io.vigil.bench.asset.
 */
public final class BpfProgStats {
    private static final Path SYSCTL = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    public record Prog(int id, String name, long runTimeNs, long runCount) {
        public Prog minus(Prog before) {
            return before == null ? this : new Prog(id, name, runTimeNs - before.runTimeNs, runCount - before.runCount);
        }
    }

    private BpfProgStats() {}

    /** Turns kernel.bpf_stats_enabled on; returns the previous value (restore with {@link #restore}). */
    public static String enable() throws IOException {
        String old = Files.readString(SYSCTL).trim();
        Files.writeString(SYSCTL, "1");
        return old;
    }

    public static void restore(String old) {
        try {
            Files.writeString(SYSCTL, old);
        } catch (IOException e) {
            System.err.println("cannot restore kernel.bpf_stats_enabled=" + old + ": " + e.getMessage());
        }
    }

    /** The BPF programs open in this process, by id. */
    public static Map<Integer, Prog> snapshot() {
        Map<Integer, Prog> out = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
            for (Path p : ds) {
                String text;
                try {
                    text = Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    continue; // fd closed meanwhile
                }
                Map<String, String> f = new LinkedHashMap<>();
                for (String line : text.split("\n")) {
                    int c = line.indexOf(':');
                    if (c > 0) {
                        f.put(line.substring(0, c).trim(), line.substring(c + 1).trim());
                    }
                }
                if (!f.containsKey("prog_id") || !f.containsKey("run_time_ns")) {
                    continue;
                }
                int id = Integer.parseInt(f.get("prog_id"));
                out.putIfAbsent(id, new Prog(id, nameOf(id), Long.parseLong(f.get("run_time_ns")),
                        Long.parseLong(f.getOrDefault("run_cnt", "0"))));
            }
        } catch (IOException e) {
            // no fdinfo: report nothing
        }
        return out;
    }

    private static final Map<Integer, String> NAMES = new java.util.HashMap<>();

    /** The program's name as bpftool shows it, or "prog N" without bpftool. */
    private static synchronized String nameOf(int id) {
        return NAMES.computeIfAbsent(id, i -> {
            try {
                Process p = new ProcessBuilder("bpftool", "prog", "show", "id", Integer.toString(i))
                        .redirectErrorStream(true).start();
                String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                int n = s.indexOf(" name ");
                if (n >= 0) {
                    String rest = s.substring(n + 6).trim();
                    int sp = rest.indexOf(' ');
                    return sp < 0 ? rest : rest.substring(0, sp);
                }
            } catch (IOException e) {
                // no bpftool
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "prog " + i;
        });
    }
}

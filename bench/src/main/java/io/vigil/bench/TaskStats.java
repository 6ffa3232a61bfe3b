package io.vigil.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time and context switches of this JVM's native threads (/proc/self/task), grouped by thread
 * name: the agent's threads, but also the JIT compilers and the GC, which ThreadMXBean does not see.
 */
final class TaskStats {
    /** One thread group's counters. */
    record Usage(long cpuNs, long voluntary, long involuntary, int threads) {
        Usage plus(Usage o) {
            return new Usage(cpuNs + o.cpuNs, voluntary + o.voluntary, involuntary + o.involuntary, threads + o.threads);
        }

        Usage minus(Usage o) {
            return o == null ? this : new Usage(cpuNs - o.cpuNs, voluntary - o.voluntary, involuntary - o.involuntary,
                    threads);
        }
    }

    private TaskStats() {}

    /** By thread name with its number dropped ("C2 CompilerThre", "GC Thread#", "vigil-ringbuf"). */
    static Map<String, Usage> snapshot() {
        Map<String, Usage> out = new TreeMap<>();
        long tick = 10_000_000L; // USER_HZ 100
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+$", "");
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * tick;
                    long vol = 0;
                    long invol = 0;
                    for (String l : Files.readAllLines(t.resolve("status"))) {
                        if (l.startsWith("voluntary_ctxt_switches:")) {
                            vol = Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
                        } else if (l.startsWith("nonvoluntary_ctxt_switches:")) {
                            invol = Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
                        }
                    }
                    out.merge(comm, new Usage(cpu, vol, invol, 1), Usage::plus);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return out;
    }

    /** after - before, largest CPU first, groups that used no CPU and did not switch left out. */
    static Map<String, Usage> delta(Map<String, Usage> before, Map<String, Usage> after) {
        Map<String, Usage> d = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().minus(before.get(e.getKey()))))
                .filter(e -> e.getValue().cpuNs() > 0 || e.getValue().voluntary() + e.getValue().involuntary() > 0)
                .sorted((a, b) -> Long.compare(b.getValue().cpuNs(), a.getValue().cpuNs()))
                .forEach(e -> d.put(e.getKey(), e.getValue()));
        return d;
    }
}

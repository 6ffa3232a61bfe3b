package io.vigil.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the benchmarks share: the C workloads, medians, CPU time, quiet logs. */
public final class BenchSupport {
    private BenchSupport() {}

    /** Before the first logger exists: plain-text logs at WARN unless the caller chose otherwise. */
    public static void quietLogs() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-text.xml");
        }
        if (System.getProperty("vigil.log.level") == null) {
            System.setProperty("vigil.log.level", "WARN");
        }
    }

    /** bench/target/workloads, or -Dvigil.bench.workloads. */
    static Path workloads() {
        String p = System.getProperty("vigil.bench.workloads");
        Path dir;
        if (p != null) {
            dir = Path.of(p);
        } else {
            Path here = Path.of("bench/target/workloads");
            dir = Files.isDirectory(here) ? here : Path.of("target/workloads");
        }
        if (!Files.isExecutable(dir.resolve("execloop")) || !Files.isExecutable(dir.resolve("getppid_loop"))) {
            throw new IllegalStateException("workloads not found in " + dir.toAbsolutePath()
                    + " (build with `mvn -B -q install -DskipTests`, or set -Dvigil.bench.workloads)");
        }
        return dir.toAbsolutePath();
    }

    static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The 1, 5 and 15 minute load averages (/proc/loadavg), for the record of a shared machine. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static String ms(double ns) {
        return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }

    /** Runs a command to its end; returns its stdout lines; fails on a non-zero exit. */
    static List<String> run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                lines.add(l);
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + rc);
        }
        return lines;
    }

    /** CPU time (user+sys) this JVM has used, ns. */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Collections and their total time (ms) so far, over every collector of this JVM. */
    static long[] gc() {
        long n = 0;
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {n, ms};
    }

    /** CPU time of the live threads whose name starts with prefix, by name, ns. */
    static Map<String, Long> threadCpu(String prefix) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new LinkedHashMap<>();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti != null && ti.getThreadName().startsWith(prefix)) {
                long t = mx.getThreadCpuTime(ti.getThreadId());
                if (t >= 0) {
                    out.merge(ti.getThreadName(), t, Long::sum);
                }
            }
        }
        return out;
    }

    /** utime+stime of a process from /proc/PID/stat, ns (children not included). */
    public static long procCpuNanos(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // fields after "(comm)": state=0, ..., utime=11, stime=12
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}

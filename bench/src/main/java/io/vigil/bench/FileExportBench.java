package io.vigil.bench;

import io.vigil.api.Event;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.exporters.file.BackupFiles;
import io.vigil.exporters.file.ExportStats;
import io.vigil.exporters.file.FileExportOptions;
import io.vigil.exporters.file.JsonFileExporter;
import io.vigil.exporters.file.RotationPolicy;
import io.vigil.exporters.filter.Redactor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The JSON file exporter's throughput: events/s through {@link JsonFileExporter} into a file that
 * rotates every 10 MB with gzip of the rotated files (Commons Compress, on the exporter's background
 * thread), as {@code vigil run --export-file-compress} does, and the CPU it costs per 100k events
 * (the whole process: the writer thread, the gzip thread and the GC). One writer thread, like the
 * pipeline's sink thread; the events are built before the clock starts (a mix of process_exec with
 * parent, process_exit and process_kprobe, about 600 bytes a line). After the run every line is read
 * back (the current file and every .gz) and counted: zero loss is checked, not assumed. Backups are
 * kept (max backups 0) for that count. Not a timed test: it prints what it measured.
 *
 * <pre>bench/run.sh file [--events 2000000] [--runs 3] [--dir /tmp] [--redact] [--no-compress]</pre>
 */
public final class FileExportBench {
    private static final long PROCESS_CPU_UNAVAILABLE = -1;

    public static void main(String[] args) throws Exception {
        int events = 2_000_000;
        int runs = 3;
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        boolean redact = false;
        boolean compress = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--dir" -> base = Path.of(args[++i]);
                case "--redact" -> redact = true;
                case "--no-compress" -> compress = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--events N, --runs N, --dir DIR, --redact, --no-compress)");
            }
        }
        Event[] pool = BenchEvents.distinct(4096);
        FileExportOptions options = FileExportOptions.DEFAULTS
                .withRotation(new RotationPolicy(10L << 20, Duration.ZERO, 0, compress));
        if (redact) {
            options = options.withRedactor(Redactor.parse("{\"redact\":[\"(?:--password|-p)(?:\\\\s+|=)(\\\\S*)\"]}"));
        }
        System.out.printf("FileExportBench: %,d events per run, 10 MB rotation %s, %s, %d CPUs, %s%n", events,
                compress ? "with gzip" : "without gzip", redact ? "with a redaction filter" : "no filters",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        jsonOnly(pool, Math.min(events, 500_000), "warm-up");
        jsonOnly(pool, events, "JSON only");
        run(base, options, pool, Math.min(events, 500_000), "warm-up");
        for (int r = 1; r <= runs; r++) {
            run(base, options, pool, events, "run " + r);
        }
    }

    private static void run(Path base, FileExportOptions options, Event[] pool, int n, String label) throws Exception {
        Path dir = Files.createTempDirectory(base, "vigil-file-bench");
        Path file = dir.resolve("events.json");
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        ExportStats stats;
        long writeDone;
        try (JsonFileExporter x = new JsonFileExporter(file, options, new EventJsonWriter(), System::nanoTime,
                InstantSource.system(), null, 1_000_000_000L)) {
            for (int i = 0; i < n; i++) {
                x.accept(pool[i & (pool.length - 1)]);
            }
            x.flush();
            writeDone = System.nanoTime();
            stats = x.stats();
        } // close waits for the last compressions
        long t1 = System.nanoTime();
        long cpu1 = processCpuNanos();
        long lines = countLines(file);
        long bytes = 0;
        long gz = 0;
        for (List<Path> b : new BackupFiles(file).list()) {
            for (Path p : b) {
                bytes += Files.size(p);
                gz++;
                lines += countLines(p);
            }
        }
        double secs = (t1 - t0) / 1e9;
        System.out.printf("%-8s %,10.0f events/s written (%,.0f/s incl. waiting for the last gzip), %.2f s;"
                        + " CPU %,.0f ms per 100k events (%.2f cores); %d rotations, %d .gz (%,d MB);"
                        + " written %,d, read back %,d, lost %d%n",
                label, n / ((writeDone - t0) / 1e9), n / secs, secs,
                cpu1 == PROCESS_CPU_UNAVAILABLE ? Double.NaN : (cpu1 - cpu0) / 1e6 / (n / 100_000.0),
                cpu1 == PROCESS_CPU_UNAVAILABLE ? Double.NaN : (cpu1 - cpu0) / 1e9 / secs,
                stats.rotations.sum(), gz, bytes >> 20, stats.written.sum(), lines, n - lines);
        if (lines != n || stats.lost() != 0) {
            System.out.println("         LOSS: " + (n - lines) + " lines missing, stats " + stats.snapshot());
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The serialization alone (EventJsonWriter to a discarding stream): the exporter's ceiling. */
    private static void jsonOnly(Event[] pool, int n, String label) throws IOException {
        EventJsonWriter w = new EventJsonWriter();
        long[] bytes = {0};
        java.io.OutputStream sink = new java.io.OutputStream() {
            @Override public void write(int b) { bytes[0]++; }
            @Override public void write(byte[] b, int off, int len) { bytes[0] += len; }
        };
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        try (com.fasterxml.jackson.core.JsonGenerator g = w.newGenerator(sink)) {
            for (int i = 0; i < n; i++) {
                w.writeLine(g, pool[i & (pool.length - 1)]);
            }
        }
        long t1 = System.nanoTime();
        long cpu1 = processCpuNanos();
        System.out.printf("%-9s %,10.0f events/s serialized, no file (%d bytes/line); CPU %,.0f ms per 100k events%n",
                label, n / ((t1 - t0) / 1e9), bytes[0] / n, (cpu1 - cpu0) / 1e6 / (n / 100_000.0));
    }

    private static long countLines(Path p) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.toString().endsWith(".gz")
                ? new GzipCompressorInputStream(Files.newInputStream(p), true) : Files.newInputStream(p),
                StandardCharsets.UTF_8), 1 << 16)) {
            long n = 0;
            while (r.readLine() != null) {
                n++;
            }
            return n;
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return PROCESS_CPU_UNAVAILABLE;
    }
}

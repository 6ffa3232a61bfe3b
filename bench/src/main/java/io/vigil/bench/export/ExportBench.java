package io.vigil.bench.export;

import io.vigil.api.Event;
import io.vigil.bench.BenchEvents;
import io.vigil.bench.BenchSupport;
import io.vigil.exporters.remote.Backoff;
import io.vigil.exporters.remote.QueueOptions;
import io.vigil.exporters.remote.SpoolOptions;
import io.vigil.exporters.syslog.SyslogOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The remote exporters' sustained rate against real receivers on this machine: events/s from the
 * first accept until the exporter counts every event sent and the receiver holds them all, the CPU
 * per 100k events (this JVM; the exporter's own threads; the receiver's process), and the counts:
 * accepted, queued, spooled (the producer outran the sender: kept on disk, not lost), sent, lost.
 * Exit status 1 if any run lost, refused or dead-lettered an event, or if a receiver's count is not
 * exactly the number sent. Not a timed test: it prints what it measured.
 *
 * <pre>bench/run.sh export [--exporter elasticsearch|syslog-tls|syslog-tcp|kafka|all] [--events 200000]
 *        [--runs 2] [--warmup 20000] [--pace EVENTS_PER_S] [--syslog-format json|cef] [--dir DIR]
 *        [--batch RECORDS]</pre>
 * {@code --batch} is an experiment: it replaces the default batch size (and allows 4 KiB per record).
 */
public final class ExportBench {
    private static final List<String> ALL = List.of("elasticsearch", "syslog-tls", "syslog-tcp", "kafka");

    public static void main(String[] args) throws Exception {
        BenchSupport.quietLogs();
        String which = "all";
        int events = 200_000;
        int runs = 2;
        int warmup = 20_000;
        double pace = 0;
        QueueOptions queue = QueueOptions.DEFAULTS;
        SyslogOptions.Format syslogFormat = SyslogOptions.Format.JSON;
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--exporter" -> which = args[++i];
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--pace" -> pace = Double.parseDouble(args[++i]);
                case "--syslog-format" -> syslogFormat = SyslogOptions.Format.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--dir" -> tmp = Path.of(args[++i]);
                case "--batch" -> { // an experiment: the shipped exporter uses QueueOptions.DEFAULTS
                    int records = Integer.parseInt(args[++i]);
                    queue = queue.withBatch(records, Math.max(queue.maxBatchBytes(), records * 4096L), queue.linger());
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--exporter "
                        + String.join("|", ALL) + "|all, --events N, --runs N, --warmup N, --pace EVENTS_PER_S,"
                        + " --syslog-format json|cef, --dir DIR, --batch RECORDS)");
            }
        }
        List<String> selected = which.equals("all") ? ALL : List.of(which.split(","));
        for (String s : selected) {
            if (!ALL.contains(s)) {
                throw new IllegalArgumentException("unknown exporter " + s + " (" + String.join(", ", ALL) + ", all)");
            }
        }
        System.out.printf("ExportBench: %,d events per run, %d runs after a warm-up of %,d, producer %s; %d CPUs, %s;"
                        + " load average %s%n", events, runs, Math.min(warmup, events),
                pace > 0 ? String.format(Locale.ROOT, "paced at %,.0f events/s", pace) : "unpaced",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), loadAverage());
        System.out.println("  " + queue + (queue.equals(QueueOptions.DEFAULTS) ? " (the defaults)"
                : " (NOT the defaults: --batch; the defaults are " + QueueOptions.DEFAULTS + ")"));
        System.out.println("  " + SpoolOptions.defaults(tmp.resolve("<temp>")));
        System.out.println("  Backoff.defaults(): " + Backoff.defaults());
        long t = System.nanoTime();
        Event[] pool = BenchEvents.distinct(events);
        System.out.printf("  %,d distinct events built in %.1f s (exec, kprobe, exit; each its own exec_id)%n", events,
                (System.nanoTime() - t) / 1e9);

        boolean failed = false;
        Path work = Files.createTempDirectory(tmp, "vigil-export-receivers");
        try {
            for (String exporter : selected) {
                failed |= !bench(exporter, syslogFormat, work, pool, events, runs, Math.min(warmup, events), pace, queue);
            }
        } finally {
            deleteQuietly(work);
        }
        System.out.println(failed ? "RESULT: FAILED (see above)" : "RESULT: OK, nothing lost, every receiver's count exact");
        System.exit(failed ? 1 : 0);
    }

    /** One exporter against its receiver: a warm-up run, then the measured runs. Returns false on a failed check. */
    private static boolean bench(String exporter, SyslogOptions.Format syslogFormat, Path work, Event[] pool, int n,
                                 int runs, int warmup, double pace, QueueOptions queue) throws Exception {
        System.out.println();
        System.out.println("===== " + exporter + " =====");
        if (exporter.startsWith("syslog") && RsyslogReceiver.missing() != null) {
            System.out.println("SKIPPED: " + RsyslogReceiver.missing() + "; this benchmark installs nothing");
            return true;
        }
        long t = System.nanoTime();
        boolean ok = true;
        try (Receiver rx = start(exporter, syslogFormat, work)) {
            System.out.printf("receiver: %s (started in %.1f s)%n", rx.describe(), (System.nanoTime() - t) / 1e9);
            int encodeN = Math.min(n, 100_000);
            EncodeOnly.measure(rx.encoder(), pool, encodeN); // warm-up
            EncodeOnly.Result enc = EncodeOnly.measure(rx.encoder(), pool, encodeN);
            System.out.printf(Locale.ROOT, "encoder alone (%s, %,d events, no queue, spool or network): CPU %,.0f ms"
                    + " per 100k events, %,d bytes per record%n", rx.encoder().getClass().getSimpleName(), encodeN,
                    enc.msPer100k(), enc.bytesPerRecord());
            long sendTimeout = TimeUnit.SECONDS.toNanos(Math.max(120, n / 2_000));
            List<Double> rates = new ArrayList<>();
            for (int r = 0; r <= runs; r++) {
                int size = r == 0 ? warmup : n;
                String dest = rx.newRun(r);
                ExportRun.Result res = ExportRun.run(rx, pool, size, pace, queue, work, sendTimeout);
                print(r == 0 ? "warm-up" : "run " + r, dest, res);
                ok &= res.ok();
                if (r > 0) {
                    rates.add(res.sentPerSec());
                }
            }
            System.out.printf("%s: sent events/s over %d runs: %s%n", exporter, runs, rates.stream()
                    .map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList());
        }
        return ok;
    }

    private static Receiver start(String exporter, SyslogOptions.Format syslogFormat, Path work) throws Exception {
        return switch (exporter) {
            case "elasticsearch" -> ElasticsearchReceiver.start(work);
            case "syslog-tls" -> RsyslogReceiver.start(work, true, syslogFormat);
            case "syslog-tcp" -> RsyslogReceiver.start(work, false, syslogFormat);
            case "kafka" -> KafkaReceiver.start(work);
            default -> throw new IllegalArgumentException(exporter);
        };
    }

    private static void print(String label, String dest, ExportRun.Result r) {
        var s = r.stats();
        System.out.printf(Locale.ROOT, "%-8s %,9d events → %s: accepted %,d, queued %,d, spooled %,d%s, sent %,d,"
                        + " lost %d, refused %d, dead-lettered %d, send failures %d; receiver holds %,d%n",
                label, r.events(), dest, s.accepted(), s.queued(), s.spooled(),
                s.spooled() > 0 ? " (the producer outran the sender: kept on disk, not lost)" : "",
                s.sent(), s.lost(), s.refused(), r.deadLettered(), s.sendFailures(), r.received());
        System.out.printf(Locale.ROOT, "         %,10.0f events/s sent (first accept → all sent), %,.0f/s received,"
                        + " producer %,.0f/s; CPU per 100k events: JVM %,.0f ms (exporter threads %,.0f ="
                        + " pipeline %,.0f + sender %,.0f + client I/O %,.0f), receiver %s%n",
                r.sentPerSec(), r.receivedPerSec(), r.offeredPerSec(), r.msPer100k(r.jvmCpuNanos()),
                r.msPer100k(r.threads().total()), r.msPer100k(r.threads().pipeline()),
                r.msPer100k(r.threads().sender()), r.msPer100k(r.threads().clientIo()),
                r.receiverCpuNanos() < 0 ? "in the JVM's figure"
                        : String.format(Locale.ROOT, "%,.0f ms", r.msPer100k(r.receiverCpuNanos())));
        if (!r.ok()) {
            System.out.println("         FAILED: " + r.problem());
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}

package io.vigil.bench.export;

import io.vigil.api.Event;
import io.vigil.bench.BenchSupport;
import io.vigil.exporters.remote.Backoff;
import io.vigil.exporters.remote.DeadLetterFile;
import io.vigil.exporters.remote.QueueOptions;
import io.vigil.exporters.remote.SpoolOptions;
import io.vigil.exporters.remote.SpoolingExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One measured run: {@code n} events through {@code SpoolingExporter.open} exactly as
 * RemoteExportFlags.start() builds it (default spool, QueueOptions.DEFAULTS unless an experiment
 * passes others, Backoff.defaults(), a dead-letter file), from this thread as from the pipeline's sink thread; then a wait until the
 * exporter counts them all sent and the receiver holds them all.
 */
final class ExportRun {
    /** How long the receiver may take to show what the exporter already counts as sent. */
    private static final long RECEIVE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);
    /** After the receiver reached n: how long to keep counting, so that duplicates would show. */
    private static final long EXTRA_WAIT_MILLIS = 1000;

    /** What one run measured; rates are events/s from the first accept. */
    record Result(int events, SpoolingExporter.Stats stats, long deadLettered, long received, String problem,
                  double offeredPerSec, double sentPerSec, double receivedPerSec,
                  long jvmCpuNanos, ClientThreads.Cpu threads, long receiverCpuNanos) {

        boolean ok() {
            return problem == null;
        }

        double msPer100k(long nanos) {
            return nanos < 0 ? Double.NaN : nanos / 1e6 / (events / 100_000.0);
        }
    }

    private ExportRun() {}

    /**
     * @param pacePerSec events/s the producer keeps to, or 0 to push as fast as accept() returns
     * @param sendTimeoutNanos how long to wait for the exporter to send everything
     */
    static Result run(Receiver rx, Event[] events, int n, double pacePerSec, QueueOptions queue, Path tmp,
                      long sendTimeoutNanos) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "vigil-export-bench");
        try {
            return measure(rx, events, n, pacePerSec, queue, dir, sendTimeoutNanos);
        } finally {
            deleteTree(dir);
        }
    }

    private static Result measure(Receiver rx, Event[] events, int n, double pacePerSec, QueueOptions queue,
                                  Path dir, long sendTimeoutNanos) throws Exception {
        String name = rx.exporter();
        CountingListener listener = new CountingListener();
        DeadLetterFile dead = new DeadLetterFile(dir.resolve(name + ".dead.jsonl"), Clock.systemUTC());
        ClientThreads threads = ClientThreads.snapshot();
        SpoolingExporter x = SpoolingExporter.open(rx.encoder(), rx.sender(), SpoolOptions.defaults(dir.resolve(name)),
                queue, Backoff.defaults(), dead, listener);
        long rxCpu0 = rx.cpuNanos();
        long cpu0 = BenchSupport.processCpuNanos();
        long t0 = System.nanoTime();
        long offered;
        long sent;
        long cpu1;
        ClientThreads.Cpu threadsCpu;
        try {
            push(x, events, n, pacePerSec, t0);
            x.flush(); // as the pipeline's sink thread does when its queue runs empty
            offered = System.nanoTime();
            sent = awaitSent(x, n, offered + sendTimeoutNanos);
            cpu1 = BenchSupport.processCpuNanos();
            threadsCpu = threads.elapsed();
        } finally {
            x.close();
        }
        long receivedAt = awaitReceived(rx, n);
        long rxCpu1 = rx.cpuNanos();
        Thread.sleep(EXTRA_WAIT_MILLIS);
        long received = rx.count();
        SpoolingExporter.Stats s = x.stats();
        String problem = check(n, sent >= 0, s, Math.max(dead.count(), listener.deadLettered.get()), received);
        if (problem != null && listener.firstProblem.get() != null) {
            problem += " (first report: " + listener.firstProblem.get() + ")";
        }
        return new Result(n, s, dead.count(), received, problem,
                n / ((offered - t0) / 1e9), sent < 0 ? Double.NaN : n / ((sent - t0) / 1e9),
                receivedAt < 0 ? Double.NaN : n / ((receivedAt - t0) / 1e9),
                cpu1 - cpu0, threadsCpu, rxCpu0 < 0 || rxCpu1 < 0 ? -1 : rxCpu1 - rxCpu0);
    }

    /** When the receiver first held n records of the run, or -1 if it did not within the timeout. */
    private static long awaitReceived(Receiver rx, int n) throws Exception {
        long deadline = System.nanoTime() + RECEIVE_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (rx.count() >= n) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        return -1;
    }

    /** What went wrong, or null: all sent, nothing lost or refused, and exactly n at the receiver. */
    private static String check(int n, boolean allSent, SpoolingExporter.Stats s, long deadLettered, long received) {
        if (!allSent) {
            return "the exporter had sent " + s.sent() + " of " + n + " when the wait ended";
        }
        if (s.lost() != 0 || s.refused() != 0 || deadLettered != 0) {
            return "lost " + s.lost() + ", refused " + s.refused() + ", dead-lettered " + deadLettered;
        }
        if (received != n) {
            return "the receiver holds " + received + " records, not " + n;
        }
        return null;
    }

    private static void push(SpoolingExporter x, Event[] events, int n, double pacePerSec, long t0) {
        for (int i = 0; i < n; i++) {
            if (pacePerSec > 0 && (i & 255) == 0) {
                long due = t0 + (long) (i * 1e9 / pacePerSec);
                for (long now; (now = System.nanoTime()) < due; ) {
                    LockSupport.parkNanos(due - now);
                }
            }
            x.accept(events[i]);
        }
    }

    /** The time the exporter counted n sent (or refused), or -1 at the deadline. */
    private static long awaitSent(SpoolingExporter x, int n, long deadline) throws InterruptedException {
        while (true) {
            SpoolingExporter.Stats s = x.stats();
            long now = System.nanoTime();
            if (s.sent() + s.refused() + s.lost() >= n) {
                return s.sent() >= n ? now : -1;
            }
            if (now >= deadline) {
                return -1;
            }
            Thread.sleep(1);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

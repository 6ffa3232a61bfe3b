package io.vigil.bench.export;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU of the exporter's own threads: the pipeline thread that calls accept (encoding, queue, spool),
 * the exporter's sender thread and the client libraries' I/O threads. Not GC or JIT, and not an
 * in-JVM broker: with Kafka that is what tells the exporter's cost from the broker's.
 */
final class ClientThreads {
    // the ES low-level client's I/O threads are "elasticsearch-rest-client-<n>-thread-<m>" (8.x), or
    // Apache HttpAsyncClient's "I/O dispatcher <n>" without its thread factory
    private static final String[] PREFIXES = {"vigil-export-", "kafka-producer-network-thread",
            "elasticsearch-rest-client-", "I/O dispatcher"};

    private final Map<Long, Long> start;

    private ClientThreads(Map<Long, Long> start) {
        this.start = start;
    }

    static ClientThreads snapshot() {
        return new ClientThreads(cpuByThread());
    }

    /** CPU (ns) the matching threads used since the snapshot; threads started since count from 0. */
    long elapsedNanos() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : cpuByThread().entrySet()) {
            sum += e.getValue() - start.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    private static Map<Long, Long> cpuByThread() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti != null && matches(ti.getThreadName())) {
                long t = mx.getThreadCpuTime(ti.getThreadId());
                if (t >= 0) {
                    out.put(ti.getThreadId(), t);
                }
            }
        }
        return out;
    }

    private static boolean matches(String name) {
        if (name.equals("main")) {
            return true;
        }
        for (String p : PREFIXES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}

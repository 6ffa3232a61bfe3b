package io.vigil.bench.export;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU of the exporter's own threads, in three groups: the pipeline thread that calls accept (here
 * "main": encoding, queue, spool writes), the exporter's sender thread (spool reads, batches, the
 * client's request building), and the client library's I/O threads. Not GC or JIT, and not an
 * in-JVM broker: with Kafka that is what tells the exporter's cost from the broker's.
 */
final class ClientThreads {
    enum Group { PIPELINE, SENDER, CLIENT_IO }

    /** CPU (ns) per group over a run. */
    record Cpu(long pipeline, long sender, long clientIo) {
        long total() {
            return pipeline + sender + clientIo;
        }
    }

    private final Map<Long, Long> start;

    private ClientThreads(Map<Long, Long> start) {
        this.start = start;
    }

    static ClientThreads snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        forEachThread((id, group, ns) -> cpu.put(id, ns));
        return new ClientThreads(cpu);
    }

    /** CPU the matching threads used since the snapshot; threads started since count from 0. */
    Cpu elapsed() {
        long[] g = new long[Group.values().length];
        forEachThread((id, group, ns) -> g[group.ordinal()] += ns - start.getOrDefault(id, 0L));
        return new Cpu(g[Group.PIPELINE.ordinal()], g[Group.SENDER.ordinal()], g[Group.CLIENT_IO.ordinal()]);
    }

    private interface ThreadCpu {
        void accept(long id, Group group, long ns);
    }

    private static void forEachThread(ThreadCpu f) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            Group g = ti == null ? null : group(ti.getThreadName());
            long t = g == null ? -1 : mx.getThreadCpuTime(ti.getThreadId());
            if (t >= 0) {
                f.accept(ti.getThreadId(), g, t);
            }
        }
    }

    private static Group group(String name) {
        if (name.equals("main")) {
            return Group.PIPELINE;
        }
        if (name.startsWith("vigil-export-")) {
            return Group.SENDER;
        }
        // Kafka's producer I/O thread; the ES low-level client's reactor threads
        // ("elasticsearch-rest-client-<n>-thread-<m>", or Apache HttpAsyncClient's "I/O dispatcher <n>")
        if (name.startsWith("kafka-producer-network-thread") || name.startsWith("elasticsearch-rest-client-")
                || name.startsWith("I/O dispatcher")) {
            return Group.CLIENT_IO;
        }
        return null;
    }
}

package io.vigil.agent.process;

import static io.vigil.agent.process.Fixtures.exec;
import static io.vigil.agent.process.Fixtures.exitCode;
import static io.vigil.agent.process.Fixtures.fork;
import static io.vigil.agent.process.Fixtures.key;
import static io.vigil.agent.process.Fixtures.seed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.Event;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.bpf.wire.ExecveKey;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A million short-lived processes (fork, exec, exit; pids reused) through the enricher and the
 * collector on a fake clock: the cache and the heap must stay flat.
 */
class LifecycleSoakTest {
    private static final int LIFECYCLES = 1_000_000;
    private static final int PID_RANGE = 30_000;
    private static final long STEP_NS = 3_000; // fake time per lifecycle
    private static final long GRACE_NS = 5_000_000; // 5 ms of fake time: ~1,700 lifecycles
    private static final int TICK_EVERY = 1_000; // lifecycles between collector runs (3 ms)

    private long events;

    @Test
    void aMillionLifecyclesKeepTheCacheAndHeapFlat() {
        Fixtures.FakeClock clock = new Fixtures.FakeClock();
        ProcessCache cache = new ProcessCache(65_536, GRACE_NS, clock::get);
        Enricher enricher = new Enricher(Fixtures.NODE, Fixtures.WALL, cache, Enricher.Limits.defaults());
        ExecveKey shell = key(100, 1_000_000_000L);
        enricher.seedAll(List.of(seed(100, shell.ktime(), key(1, 10_000_000L), "/bin/bash", List.of("bash"), "/")),
                e -> { });
        EventJsonWriter json = new EventJsonWriter();
        Consumer<Event> out = e -> {
            if (++events % 250_000 == 0) {
                json.toJson(e); // now and then, the whole way to JSON
            }
        };
        List<String> argv = List.of("/bin/true", "--flag", "value");

        int maxSize = 0;
        long heapAfterWarmup = 0;
        int sizeAfterWarmup = 0;
        long t0 = System.nanoTime();
        long ktime = 2_000_000_000L;
        for (int i = 0; i < LIFECYCLES; i++) {
            int pid = 1_000 + i % PID_RANGE;
            ExecveKey forked = key(pid, ktime);
            ExecveKey execd = key(pid, ktime + 1_000);
            enricher.onMsg(fork(forked, shell), out);
            enricher.onMsg(exec(execd, shell, "/bin/true", argv, "/tmp"), out);
            enricher.onMsg(exitCode(ktime + 2_000, execd, i & 1), out);
            ktime += STEP_NS;
            clock.advance(STEP_NS);
            if (i % TICK_EVERY == TICK_EVERY - 1) {
                enricher.tick(clock.get(), out);
                maxSize = Math.max(maxSize, cache.size());
            }
            if (i == 100_000) {
                heapAfterWarmup = usedHeapAfterGc();
                sizeAfterWarmup = cache.size();
            }
        }
        long elapsed = System.nanoTime() - t0;
        enricher.tick(clock.get(), out);
        long heapAtEnd = usedHeapAfterGc();
        int sizeAtEnd = cache.size();
        clock.advance(GRACE_NS);
        enricher.tick(clock.get(), out);
        CacheStats s = enricher.stats();

        System.out.printf("soak: %,d lifecycles (fork+exec+exit) in %,d ms: %,d ns per lifecycle, %,d events%n",
                LIFECYCLES, elapsed / 1_000_000, elapsed / LIFECYCLES, events);
        System.out.printf("soak: cache entries after 100k: %,d, max: %,d, at 1M: %,d, after the last grace period: %,d%n",
                sizeAfterWarmup, maxSize, sizeAtEnd, cache.size());
        System.out.printf("soak: heap used after GC at 100k: %,d KB, at 1M: %,d KB (growth %,d KB)%n",
                heapAfterWarmup / 1024, heapAtEnd / 1024, (heapAtEnd - heapAfterWarmup) / 1024);
        System.out.println("soak: " + s);

        assertEquals(2L * LIFECYCLES, events, "one exec and one exit per lifecycle, nothing lost");
        // ~1,700 lifecycles within the grace period, 2 entries each, plus one tick of slack
        assertTrue(maxSize <= 6_000, "cache grew to " + maxSize);
        assertTrue(Math.abs(sizeAtEnd - sizeAfterWarmup) <= 1_000, sizeAfterWarmup + " -> " + sizeAtEnd);
        assertEquals(1, cache.size(), "only the shell once everything is collected");
        assertEquals(1, cache.get(shell).refcnt(), "the shell's references balance");
        assertEquals(0, s.evicted());
        assertEquals(0, s.parkedTotal());
        assertEquals(0, s.refcntUnderflows());
        assertEquals(2L * LIFECYCLES, s.collected());
        assertTrue(heapAtEnd - heapAfterWarmup < 16L * 1024 * 1024,
                "heap grew by " + (heapAtEnd - heapAfterWarmup) / 1024 + " KB");
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}

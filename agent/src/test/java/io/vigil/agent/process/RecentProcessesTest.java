package io.vigil.agent.process;

import static io.vigil.agent.process.Fixtures.key;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.agent.process.ProcessCache.Entry;
import io.vigil.agent.process.ProcessCache.Origin;
import io.vigil.agent.process.RecentProcesses.Incarnation;
import io.vigil.api.ProcessInfo;
import io.vigil.bpf.wire.GenericMsg;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cache's incarnations by pid, as other threads see them: kept while the cache keeps them. */
class RecentProcessesTest {
    private static final long GRACE = 5_000_000_000L;
    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();
    private final ProcessCache cache = new ProcessCache(3, GRACE, clock::get);
    private final RecentProcesses recent = cache.recent();

    private static ProcessInfo info(String binary) {
        return ProcessInfo.builder().binary(binary).build();
    }

    @Test
    void aPidsIncarnationsAreToldApartByTheirStart() {
        Entry first = cache.insert(key(100, 1_000), key(1, 1), info("/bin/cat"), Origin.EXEC);
        cache.retire(first);
        cache.insert(key(100, 5_000), key(1, 1), info("/bin/other"), Origin.EXEC);
        assertEquals(Optional.of(new Incarnation(1_000, "/bin/cat")), recent.latestStartedBy(100, 4_999));
        assertEquals(Optional.of(new Incarnation(5_000, "/bin/other")), recent.latestStartedBy(100, 5_000));
        assertEquals(Optional.empty(), recent.latestStartedBy(100, 999));
        assertEquals(Optional.of("/bin/cat"), recent.binaryOf(key(100, 1_000)));
        assertEquals(Optional.empty(), recent.binaryOf(key(100, 2_000)));
    }

    @Test
    void anExitedProcessStaysForTheGracePeriodAndLeavesWithTheCachesEntry() {
        Entry e = cache.insert(key(100, 1_000), key(1, 1), info("/bin/cat"), Origin.EXEC);
        cache.retire(e);
        clock.advance(GRACE - 1);
        cache.collect();
        assertEquals("/bin/cat", recent.latestStartedBy(100, 2_000).orElseThrow().binary());
        clock.advance(1);
        cache.collect();
        assertEquals(Optional.empty(), recent.latestStartedBy(100, 2_000));
    }

    @Test
    void anEvictedEntryLeavesToo() {
        for (int pid = 100; pid < 104; pid++) {
            cache.insert(key(pid, 1_000), key(1, 1), info("/bin/p" + pid), Origin.EXEC);
        }
        assertEquals(Optional.empty(), recent.latestStartedBy(100, 2_000), "capacity 3: the eldest went");
        assertEquals("/bin/p103", recent.latestStartedBy(103, 2_000).orElseThrow().binary());
    }

    @Test
    void theEnricherRecordsHowFarItHasReadTheLifecycleRecords() {
        Enricher enricher = new Enricher(Fixtures.NODE, Fixtures.WALL, cache, Enricher.Limits.defaults());
        enricher.onMsg(Fixtures.exitCode(7_000, key(100, 1_000), 0));
        assertEquals(7_000, recent.readUpTo());
        enricher.onMsg(Fixtures.exitCode(6_000, key(101, 1_000), 0));
        assertEquals(7_000, recent.readUpTo(), "never backwards");
        enricher.onMsg(new GenericMsg(9_000, key(102, 1_000), 102, 1, 0, 0, 0, 0, List.of()));
        assertEquals(7_000, recent.readUpTo(), "a policy record (maybe made in user space, ahead of the ring buffer) does not count");
    }
}

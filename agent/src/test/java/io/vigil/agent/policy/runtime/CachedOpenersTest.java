package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.runtime.OpenerLookup.Opener;
import io.vigil.agent.process.Enricher;
import io.vigil.agent.process.ProcessCache;
import io.vigil.bpf.wire.ExecFlags;
import io.vigil.bpf.wire.ExecMsg;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.ExitMsg;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The opener of an open read after the fact, from execve_map (faked: pid -> live key time), /proc
 * (faked: pid -> binary now) and a real process cache fed by the enricher with exec and exit records.
 */
class CachedOpenersTest {
    private static final ExecveKey KERNEL = new ExecveKey(0, 0);
    private static final int PID = 100;
    private static final String CAT = "/tmp/shortcat";
    private static final String OTHER = "/usr/bin/other";

    private final ProcessCache cache = new ProcessCache(1024, TimeUnit.SECONDS.toNanos(5), System::nanoTime);
    private final Enricher enricher = new Enricher("node", t -> Instant.EPOCH.plusNanos(t), cache, Enricher.Limits.defaults());
    private final Map<Integer, Long> live = new HashMap<>();
    private final Map<Integer, String> proc = new HashMap<>();
    private final CachedOpeners openers = new CachedOpeners(cache.recent(), pid -> live.getOrDefault(pid, 0L),
            pid -> proc.getOrDefault(pid, ""), 0);

    @Test
    void anOpenerThatHasExitedIsFoundThroughTheCache() {
        exec(PID, 1_000, CAT);
        exit(PID, 1_000, 2_000);
        assertEquals(new Opener(CAT, 1_000), openers.find(PID, 3_000));
    }

    @Test
    void aPidReusedAfterTheReadIsNotTakenForTheOpener() {
        exec(PID, 1_000, CAT);
        exit(PID, 1_000, 2_000);
        exec(PID, 5_000, OTHER);           // took the pid after the agent read the open
        live.put(PID, 5_000L);
        proc.put(PID, OTHER);
        assertEquals(new Opener(CAT, 1_000), openers.find(PID, 3_000));
    }

    @Test
    void anExecAfterTheReadIsNotTakenForTheOpener() {
        exec(PID, 1_000, CAT);
        exec(PID, 4_000, OTHER);           // the opener exec'd after the read: its earlier image opened
        live.put(PID, 4_000L);
        proc.put(PID, OTHER);
        assertEquals(new Opener(CAT, 1_000), openers.find(PID, 3_000));
    }

    @Test
    void aLiveOpenerIsTheCachesIncarnationOfItsKey() {
        exec(PID, 1_000, CAT);
        live.put(PID, 1_000L);
        proc.put(PID, "/proc/says/this");   // not asked when the cache has the key
        assertEquals(new Opener(CAT, 1_000), openers.find(PID, 3_000));
    }

    @Test
    void aLiveOpenerWhoseExecTheEnricherHasNotReadComesFromProc() {
        live.put(PID, 1_000L);
        proc.put(PID, CAT);
        assertEquals(new Opener(CAT, 1_000), openers.find(PID, 3_000));
    }

    @Test
    void aPidNobodyKnowsIsUnknown() {
        exec(PID + 1, 1_000, CAT);
        assertEquals(Opener.UNKNOWN, openers.find(PID, 3_000));
        exec(PID, 4_000, CAT);              // started after the read: not the opener
        assertEquals(Opener.UNKNOWN, openers.find(PID, 3_000));
    }

    @Test
    void aProcessThatTookThePidBeforeTheReadIsTakenForTheOpener() {
        // the documented gap: the open's own time is unknown, only that it came before the read
        exec(PID, 1_000, CAT);
        exit(PID, 1_000, 1_500);
        exec(PID, 2_000, OTHER);
        live.put(PID, 2_000L);
        assertEquals(new Opener(OTHER, 2_000), openers.find(PID, 3_000));
    }

    @Test
    void anExitedOpenerWaitsForTheEnricherToReadUpToTheOpen() throws Exception {
        CachedOpeners waiting = new CachedOpeners(cache.recent(), pid -> 0L, pid -> "", TimeUnit.SECONDS.toNanos(10));
        long started = System.nanoTime();
        CompletableFuture<Opener> found = CompletableFuture.supplyAsync(() -> waiting.find(PID, 3_000));
        Thread.sleep(50);
        assertTrue(!found.isDone(), "waits while the enricher has not read up to the open");
        exec(PID, 1_000, CAT);
        exit(PID, 1_000, 2_000);
        exec(PID + 1, 3_500, OTHER);        // a later record: everything up to the read is in
        assertEquals(new Opener(CAT, 1_000), found.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "did not wait out the limit");
    }

    private void exec(int pid, long ktime, String binary) {
        ExecveKey key = new ExecveKey(pid, ktime);
        enricher.onMsg(new ExecMsg(ktime, key, KERNEL, 0, 0, 0, 0, -1, pid, ExecFlags.EXECVE, 1L, binary,
                List.of(binary), "/"));
    }

    private void exit(int pid, long execKtime, long ktime) {
        enricher.onMsg(new ExitMsg(ktime, new ExecveKey(pid, execKtime), pid, 0));
    }
}

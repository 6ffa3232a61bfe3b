package io.vigil.agent.process;

import static io.vigil.agent.process.Fixtures.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.process.ProcessCache.Entry;
import io.vigil.agent.process.ProcessCache.Origin;
import io.vigil.api.ProcessInfo;
import io.vigil.bpf.wire.ExecveKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCacheTest {
    private static final long GRACE = 5_000_000_000L;
    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();

    private static ProcessInfo info(String binary) {
        return ProcessInfo.builder().binary(binary).build();
    }

    private ProcessCache cache(int capacity) {
        return new ProcessCache(capacity, GRACE, clock::get);
    }

    @Test
    void aParentIsKeptWhileItsChildLivesAndFreedAfterBothExitAndTheGracePeriod() {
        ProcessCache c = cache(100);
        ExecveKey pk = key(100, 1_000);
        ExecveKey ck = key(200, 2_000);
        Entry parent = c.insert(pk, key(1, 1), info("/bin/sh"), Origin.EXEC);
        Entry child = c.insert(ck, pk, info("/bin/ls"), Origin.EXEC);
        assertEquals(2, parent.refcnt(), "alive + one live child");
        assertEquals(1, child.refcnt());
        assertTrue(child.holdsParentRef());

        c.retire(parent); // the parent exits first
        assertEquals(1, parent.refcnt(), "still held by the child");
        clock.advance(GRACE * 10);
        c.collect();
        assertSame(parent, c.get(pk), "not collected while the child lives");
        assertNull(c.current(100), "but no longer the pid's current incarnation");

        c.retire(child);
        assertEquals(0, child.refcnt());
        assertEquals(0, parent.refcnt());
        assertEquals(2, c.awaitingCollection());
        clock.advance(GRACE - 1);
        assertEquals(0, c.collect(), "inside the grace period");
        assertEquals(2, c.size());
        clock.advance(1);
        assertEquals(2, c.collect());
        assertEquals(0, c.size());
        assertNull(c.get(pk));
        assertNull(c.get(ck));
        assertEquals(0, c.liveCount());
        assertEquals(0, c.refcntUnderflows());
    }

    @Test
    void retireIsIdempotent() {
        ProcessCache c = cache(10);
        Entry p = c.insert(key(1, 1), key(0, 0), info("/sbin/init"), Origin.PROCFS);
        Entry e = c.insert(key(2, 2), key(1, 1), info("x"), Origin.EXEC);
        c.retire(e);
        c.retire(e);
        assertEquals(1, p.refcnt());
        assertEquals(0, c.refcntUnderflows());
    }

    @Test
    void anEntryReferencedAgainWithinTheGracePeriodStays() {
        ProcessCache c = cache(10);
        Entry e = c.insert(key(5, 5), key(0, 0), info("x"), Origin.EXEC);
        c.retire(e);
        clock.advance(GRACE / 2);
        c.ref(e); // e.g. a late event holding it
        clock.advance(GRACE);
        assertEquals(0, c.collect());
        assertSame(e, c.get(key(5, 5)));
        c.unref(e); // back to zero: a fresh grace period starts now
        clock.advance(GRACE - 1);
        assertEquals(0, c.collect());
        clock.advance(1);
        assertEquals(1, c.collect());
        assertNull(c.get(key(5, 5)));
    }

    @Test
    void theCapFirstCollectsUnreferencedEntriesEarlyThenEvictsTheLeastRecentlyUsed() {
        ProcessCache c = cache(3);
        Entry init = c.insert(key(1, 1), key(0, 0), info("/sbin/init"), Origin.PROCFS);
        Entry a = c.insert(key(10, 10), key(1, 1), info("a"), Origin.EXEC);
        Entry b = c.insert(key(11, 11), key(1, 1), info("b"), Origin.EXEC);
        assertEquals(3, init.refcnt());
        c.retire(a); // a is dead, awaiting collection
        c.insert(key(12, 12), key(1, 1), info("c"), Origin.EXEC);
        assertEquals(3, c.size());
        assertNull(c.get(key(10, 10)), "the dead entry made room");
        assertEquals(1, c.collectedEarly());
        assertEquals(0, c.evicted());

        c.get(key(1, 1)); // init used recently: b is now the least recently used
        c.insert(key(13, 13), key(1, 1), info("d"), Origin.EXEC);
        assertNull(c.get(key(11, 11)), "b, alive but least recently used, was evicted");
        assertNotNull(c.get(key(1, 1)));
        assertEquals(1, c.evicted());
        assertFalse(b.alive());
        assertEquals(3, init.refcnt(), "init: alive + c + d; b gave its child reference back");
        assertEquals(3, c.size());
        assertEquals(3, c.liveCount());
    }

    @Test
    void theCapHoldsUnderAFlood() {
        ProcessCache c = cache(1000);
        c.insert(key(1, 1), key(0, 0), info("/sbin/init"), Origin.PROCFS);
        for (int i = 0; i < 100_000; i++) {
            c.insert(key(1000 + i, 10 + i), key(1, 1), info("x"), Origin.EXEC); // exits never seen
        }
        assertEquals(1000, c.size());
        assertEquals(100_000 + 1 - 1000, c.evicted());
        assertEquals(1000, c.get(key(1, 1)).refcnt(), "alive + 999 live children: references balanced");
    }

    @Test
    void insertKeepsTheNewestIncarnationCurrentAndDuplicatesAreIgnored() {
        ProcessCache c = cache(10);
        Entry newer = c.insert(key(7, 200), key(0, 0), info("new"), Origin.EXEC);
        Entry older = c.insert(key(7, 100), key(0, 0), info("old"), Origin.CLONE);
        assertSame(newer, c.current(7));
        assertSame(older, c.get(key(7, 100)));
        assertSame(newer, c.insert(key(7, 200), key(0, 0), info("again"), Origin.EXEC));
        assertEquals("new", c.get(key(7, 200)).info().binary());
    }

    @Test
    void linkParentTakesTheReferenceOnceTheParentArrives() {
        ProcessCache c = cache(10);
        Entry child = c.insert(key(20, 20), key(10, 10), info("child"), Origin.EXEC);
        assertFalse(child.holdsParentRef());
        Entry parent = c.insert(key(10, 10), key(0, 0), info("parent"), Origin.EXEC);
        assertTrue(c.linkParent(child));
        assertTrue(c.linkParent(child));
        assertEquals(2, parent.refcnt());
        c.retire(child);
        assertEquals(1, parent.refcnt());
    }

    @Test
    void ancestorsWalkUpToTheFirstMissingOne() {
        ProcessCache c = cache(10);
        c.insert(key(1, 1), key(0, 0), info("init"), Origin.PROCFS);
        c.insert(key(50, 50), key(1, 1), info("sshd"), Origin.PROCFS);
        c.insert(key(60, 60), key(50, 50), info("bash"), Origin.EXEC);
        c.insert(key(70, 70), key(60, 60), info("vi"), Origin.EXEC);
        List<String> names = c.ancestors(key(70, 70)).stream().map(ProcessInfo::binary).toList();
        assertEquals(List.of("bash", "sshd", "init"), names);
        assertEquals(List.of(), c.ancestors(key(1, 1)));
        assertEquals(List.of(), c.ancestors(key(99, 99)));
    }
}

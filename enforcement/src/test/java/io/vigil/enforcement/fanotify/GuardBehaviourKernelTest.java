package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.fanotify.KernelFixture.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the guard sees and answers besides deny: unmarked places, directories, monitor mode, timeouts, close. */
@Tag("kernel")
class GuardBehaviourKernelTest {
    static final Set<Access> OPEN = EnumSet.of(Access.OPEN);

    KernelFixture fx;
    FanotifyGuard guard;
    final List<GuardEvent> events = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch never = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        fx = KernelFixture.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        never.countDown();
        if (guard != null) {
            guard.close();
        }
        fx.close();
    }

    /** /bin/bash opens each file n times with `: < file`, printing ok= and fail= counts. */
    static Result openLoop(Path file, int n) throws Exception {
        return KernelFixture.run(List.of("/bin/bash", "-c", "ok=0; fail=0; for ((i=0; i<" + n + "; i++)); do "
                + "if : < " + file + " 2>/dev/null; then ok=$((ok+1)); else fail=$((fail+1)); fi; done; echo \"ok=$ok fail=$fail\""));
    }

    @Test
    void opensInAnUnmarkedDirectoryAreNotSeenAtAll() throws Exception {
        Path marked = Files.createDirectory(fx.dir.resolve("marked"));
        Path unmarked = Files.createDirectory(fx.dir.resolve("unmarked"));
        Path inUnmarked = Files.writeString(unmarked.resolve("f"), "x");
        Path inMarked = Files.writeString(marked.resolve("f"), "x");
        guard = FanotifyGuard.builder(r -> Decision.allow("all")).listener(events::add).start();
        guard.protect(MarkTarget.DIRECTORY, marked, OPEN);

        assertTrue(openLoop(inUnmarked, 1000).stdout().contains("ok=1000 fail=0"));
        assertEquals(0, guard.counters().requests(), "opens outside the mark make no event: " + guard.counters());

        assertTrue(openLoop(inMarked, 10).stdout().contains("ok=10 fail=0"));
        assertEquals(10, guard.counters().requests(), "the guard is live on the marked directory: " + guard.counters());
    }

    @Test
    void aDirectoryMarkCoversDirectChildrenNotGrandchildrenNorTheDirectoryItself() throws Exception {
        Path marked = Files.createDirectory(fx.dir.resolve("marked"));
        Path child = Files.writeString(marked.resolve("child"), "x");
        Path grandchild = Files.writeString(Files.createDirectory(marked.resolve("sub")).resolve("grandchild"), "x");
        Path later = marked.resolve("created-after-the-mark");
        guard = FanotifyGuard.builder(r -> Decision.deny("all")).listener(events::add).start();
        guard.protect(MarkTarget.DIRECTORY, marked, OPEN);

        assertTrue(openLoop(child, 3).stdout().contains("ok=0 fail=3"));
        Files.writeString(later, "x"); // the agent's own open: allowed, not asked
        assertTrue(openLoop(later, 3).stdout().contains("ok=0 fail=3"), "a child created after the mark is covered");
        assertTrue(openLoop(grandchild, 3).stdout().contains("ok=3 fail=0"), "grandchildren are a gap: mark sub too");
        Result ls = KernelFixture.run(List.of("/bin/ls", marked.toString()));
        assertEquals(0, ls.exit(), "listing the directory is no open of a child: " + ls);
    }

    @Test
    void monitorModeAllowsEveryOpenAndReportsExactlyOneWouldDenyPerAttempt() throws Exception {
        Path f = fx.secret("watched");
        guard = FanotifyGuard.builder(r -> Decision.deny("policy p")).mode(GuardMode.MONITOR).listener(events::add).start();
        guard.protect(MarkTarget.FILE, f, OPEN);

        assertTrue(openLoop(f, 200).stdout().contains("ok=200 fail=0"));
        assertEquals(200, events.size(), "one event per open");
        assertTrue(events.stream().allMatch(e -> e.outcome() == Outcome.WOULD_DENY && e.answered() == Verdict.ALLOW
                && e.request().path().equals(f.toString()) && "policy p".equals(e.reason())), events.get(0).toString());
        assertEquals("requests=200 allowed=200 denied=0 wouldDeny=200 errors=0", guard.counters().toString());
    }

    @Test
    void aHangingDeciderIsAnsweredAtTheTimeoutClosedByDefault() throws Exception {
        Path f = fx.secret("slow");
        guard = FanotifyGuard.builder(r -> {
            never.await();
            return Decision.allow("late");
        }).decisionTimeout(Duration.ofMillis(100)).listener(events::add).start();
        guard.protect(MarkTarget.FILE, f, OPEN);
        long t0 = System.nanoTime();
        assertTrue(openLoop(f, 1).stdout().contains("ok=0 fail=1"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 100, "the opener waited for the timeout: " + ms + " ms");
        assertEquals(Outcome.DECIDER_TIMEOUT, events.get(0).outcome());
    }

    @Test
    void aThrowingDeciderWithFailOpenAllows() throws Exception {
        Path f = fx.secret("broken");
        guard = FanotifyGuard.builder(r -> {
            throw new IllegalStateException("policy store down");
        }).failurePolicy(FailurePolicy.FAIL_OPEN).listener(events::add).start();
        guard.protect(MarkTarget.FILE, f, OPEN);
        assertTrue(openLoop(f, 5).stdout().contains("ok=5 fail=0"));
        assertEquals(5, guard.counters().errors());
        assertEquals(Outcome.DECIDER_FAILED, events.get(0).outcome());
    }

    @Test
    void unprotectStopsTheEvents() throws Exception {
        Path f = fx.secret("f");
        guard = FanotifyGuard.builder(r -> Decision.deny("all")).start();
        guard.protect(MarkTarget.FILE, f, OPEN);
        assertTrue(openLoop(f, 2).stdout().contains("ok=0 fail=2"));
        guard.unprotectAll();
        assertTrue(openLoop(f, 2).stdout().contains("ok=2 fail=0"));
        assertEquals(2, guard.counters().requests());
    }

    @Test
    void failSafeClosingTheGuardEndsTheDenial() throws Exception {
        Path f = fx.secret("f");
        guard = FanotifyGuard.builder(r -> Decision.deny("all")).start();
        guard.protect(MarkTarget.FILE, f, OPEN);
        assertTrue(openLoop(f, 3).stdout().contains("ok=0 fail=3"));
        guard.close();
        Result r = KernelFixture.run(List.of("/usr/bin/head", f.toString()));
        assertTrue(r.exit() == 0 && r.stdout().contains(fx.marker), "the mark left with the fanotify fd: " + r);
    }

    @Test
    void closeReturnsPromptlyAndReleasesAWaitingOpenerEvenWithAHungDecider() throws Exception {
        Path f = fx.secret("f");
        guard = FanotifyGuard.builder(r -> {
            never.await();
            return Decision.allow("never");
        }).decisionTimeout(Duration.ofHours(1)).start();
        guard.protect(MarkTarget.FILE, f, OPEN);
        Process head = new ProcessBuilder("/usr/bin/head", f.toString()).start();
        assertFalse(head.waitFor(300, java.util.concurrent.TimeUnit.MILLISECONDS), "head waits for the decider");
        long t0 = System.nanoTime();
        guard.close();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5000, "close took " + ms + " ms");
        assertTrue(head.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "the opener was answered at close");
        assertEquals(1, guard.counters().errors(), "the read event got the failure policy's answer: " + guard.counters());
        assertEquals(1, guard.counters().denied(), guard.counters().toString());
    }

    @Test
    void protectingAMissingPathSaysSoWithItsErrno() throws Exception {
        guard = FanotifyGuard.builder(r -> Decision.allow("all")).start();
        FanotifyException e = org.junit.jupiter.api.Assertions.assertThrows(FanotifyException.class,
                () -> guard.protect(MarkTarget.FILE, fx.dir.resolve("missing"), OPEN));
        assertEquals(2, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains("fanotify_mark") && e.getMessage().contains("missing")
                && e.getMessage().contains("create it before protecting it"), e.getMessage());
        FanotifyException r = org.junit.jupiter.api.Assertions.assertThrows(FanotifyException.class,
                () -> guard.unprotect(MarkTarget.FILE, fx.secret("unmarked"), OPEN));
        assertEquals(2, r.errno(), r.getMessage());
        assertTrue(r.getMessage().contains("no such mark to remove"), r.getMessage());
    }
}

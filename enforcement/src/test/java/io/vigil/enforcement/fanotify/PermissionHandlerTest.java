package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.fanotify.internal.EventFile;
import io.vigil.enforcement.fanotify.internal.EventMetadata;
import io.vigil.enforcement.fanotify.internal.FanotifyLibC;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The answer to every event, without a kernel: a fake fanotify fd records answers and closes. */
class PermissionHandlerTest {
    static final int SELF = 4242;
    static final long OPEN = FanotifyLibC.FAN_OPEN_PERM;
    static final long EXEC = FanotifyLibC.FAN_OPEN_EXEC_PERM;

    final ExecutorService pool = Executors.newFixedThreadPool(2);
    final FakeKernel kernel = new FakeKernel();
    final GuardCounters counters = new GuardCounters();
    final List<GuardEvent> events = new ArrayList<>();
    final CountDownLatch never = new CountDownLatch(1);

    static final class FakeKernel implements PermissionHandler.Kernel {
        final List<int[]> responses = new ArrayList<>();
        final List<Integer> closed = new ArrayList<>();
        boolean failWrites;

        @Override
        public synchronized void respond(int eventFd, int response) throws FanotifyException {
            if (failWrites) {
                throw new FanotifyException("write", 2, "No such file or directory", "");
            }
            responses.add(new int[] {eventFd, response});
        }

        @Override
        public synchronized void closeEventFd(int eventFd) {
            closed.add(eventFd);
        }

        int answerFor(int fd) {
            return responses.stream().filter(r -> r[0] == fd).mapToInt(r -> r[1]).reduce((a, b) -> {
                throw new AssertionError("fd " + fd + " answered twice");
            }).orElseThrow(() -> new AssertionError("fd " + fd + " never answered"));
        }
    }

    @AfterEach
    void stop() {
        never.countDown();
        pool.shutdownNow();
    }

    PermissionHandler handler(Decider d, GuardMode mode, FailurePolicy failure, Duration timeout) {
        PermissionHandler.Files files = fd -> {
            if (fd == 99) {
                throw new IOException("gone");
            }
            return new EventFile.Resolved("/protected/f" + fd, 8, 1000 + fd);
        };
        return new PermissionHandler(kernel, files, d, pool, new PermissionHandler.Settings(SELF, mode, failure, timeout),
                counters, events::add);
    }

    PermissionHandler enforcing(Decider d) {
        return handler(d, GuardMode.ENFORCE, FailurePolicy.FAIL_CLOSED, Duration.ofMillis(200));
    }

    static EventMetadata event(long mask, int fd, int pid) {
        return new EventMetadata(24, 3, 24, mask, fd, pid);
    }

    @Test
    void answersTheDecidersVerdictWithTheResolvedFile() {
        List<PermissionRequest> seen = new ArrayList<>();
        enforcing(r -> {
            synchronized (seen) {
                seen.add(r);
            }
            return r.exec() ? Decision.deny("no exec") : Decision.allow("ok");
        }).handle(List.of(event(OPEN, 10, 7), event(EXEC, 11, 7)));
        assertEquals(FanotifyLibC.FAN_ALLOW, kernel.answerFor(10));
        assertEquals(FanotifyLibC.FAN_DENY, kernel.answerFor(11));
        assertEquals(List.of(10, 11), kernel.closed);
        assertTrue(seen.contains(new PermissionRequest(7, "/protected/f10", 8, 1010, false)), seen.toString());
        assertEquals("requests=2 allowed=1 denied=1 wouldDeny=0 errors=0", counters.toString());
        assertEquals(Outcome.DECIDED, events.get(1).outcome());
        assertEquals("no exec", events.get(1).reason());
    }

    @Test
    void theAgentsOwnOpensAreAllowedWithoutAskingTheDecider() {
        AtomicInteger asked = new AtomicInteger();
        enforcing(r -> {
            asked.incrementAndGet();
            return Decision.deny("x");
        }).handle(List.of(event(OPEN, 10, SELF)));
        assertEquals(FanotifyLibC.FAN_ALLOW, kernel.answerFor(10));
        assertEquals(0, asked.get());
        assertEquals(Outcome.SELF, events.get(0).outcome());
    }

    @Test
    void aThrowingDeciderIsAnsweredByTheFailurePolicyDenyByDefault() {
        enforcing(r -> {
            throw new IllegalStateException("boom");
        }).handle(List.of(event(OPEN, 10, 7), event(EXEC, 11, 7)));
        assertEquals(FanotifyLibC.FAN_DENY, kernel.answerFor(10));
        assertEquals(FanotifyLibC.FAN_DENY, kernel.answerFor(11));
        assertEquals(Outcome.DECIDER_FAILED, events.get(0).outcome());
        assertTrue(events.get(0).reason().contains("boom"), events.get(0).reason());
        assertEquals(2, counters.errors());
    }

    @Test
    void failurePolicyCanAllowOpensAndDenyExecs() {
        handler(r -> null, GuardMode.ENFORCE, new FailurePolicy(Verdict.ALLOW, Verdict.DENY), Duration.ofMillis(200))
                .handle(List.of(event(OPEN, 10, 7), event(EXEC, 11, 7)));
        assertEquals(FanotifyLibC.FAN_ALLOW, kernel.answerFor(10));
        assertEquals(FanotifyLibC.FAN_DENY, kernel.answerFor(11));
        assertEquals("decider returned null", events.get(0).reason());
    }

    @Test
    void aDeciderThatHangsIsAnsweredAtTheTimeout() {
        long t0 = System.nanoTime();
        enforcing(r -> {
            never.await();
            return Decision.allow("late");
        }).handle(List.of(event(OPEN, 10, 7), event(OPEN, 11, 7)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(FanotifyLibC.FAN_DENY, kernel.answerFor(10));
        assertEquals(FanotifyLibC.FAN_DENY, kernel.answerFor(11));
        assertEquals(Outcome.DECIDER_TIMEOUT, events.get(0).outcome());
        assertTrue(ms >= 190 && ms < 2000, "both timed out together, from when they were read: " + ms + " ms");
    }

    @Test
    void anUnresolvableFileGetsTheFailurePolicyAnswer() {
        enforcing(r -> Decision.allow("ok")).handle(List.of(event(OPEN, 99, 7)));
        assertEquals(FanotifyLibC.FAN_DENY, kernel.answerFor(99));
        assertEquals(Outcome.UNRESOLVED, events.get(0).outcome());
        assertNull(events.get(0).request().path());
    }

    @Test
    void monitorModeAllowsAndReportsWouldDeny() {
        handler(r -> Decision.deny("policy p"), GuardMode.MONITOR, FailurePolicy.FAIL_CLOSED, Duration.ofMillis(200))
                .handle(List.of(event(OPEN, 10, 7)));
        assertEquals(FanotifyLibC.FAN_ALLOW, kernel.answerFor(10));
        assertEquals(Outcome.WOULD_DENY, events.get(0).outcome());
        assertEquals("requests=1 allowed=1 denied=0 wouldDeny=1 errors=0", counters.toString());
    }

    @Test
    void monitorModeNeverDeniesEvenOnFailure() {
        handler(r -> {
            throw new Exception("x");
        }, GuardMode.MONITOR, FailurePolicy.FAIL_CLOSED, Duration.ofMillis(200)).handle(List.of(event(EXEC, 10, 7)));
        assertEquals(FanotifyLibC.FAN_ALLOW, kernel.answerFor(10));
    }

    @Test
    void theEventFdIsClosedEvenWhenTheAnswerCannotBeWritten() {
        kernel.failWrites = true;
        enforcing(r -> Decision.allow("ok")).handle(List.of(event(OPEN, 10, 7)));
        assertEquals(List.of(10), kernel.closed);
        assertEquals(1, counters.errors());
    }

    @Test
    void aThrowingListenerDoesNotStopTheBatch() {
        PermissionHandler h = new PermissionHandler(kernel, fd -> new EventFile.Resolved("/f", 1, 2), r -> Decision.allow("ok"),
                pool, new PermissionHandler.Settings(SELF, GuardMode.ENFORCE, FailurePolicy.FAIL_CLOSED, Duration.ofMillis(200)),
                counters, e -> {
                    throw new RuntimeException("listener");
                });
        h.handle(List.of(event(OPEN, 10, 7), event(OPEN, 11, 7)));
        assertEquals(FanotifyLibC.FAN_ALLOW, kernel.answerFor(11));
    }

    @Test
    void aNonPermissionEventIsClosedAndNotAnswered() {
        enforcing(r -> Decision.allow("ok")).handle(List.of(event(FanotifyLibC.FAN_Q_OVERFLOW, -1, 0), event(0x20, 12, 7)));
        assertTrue(kernel.responses.isEmpty());
        assertEquals(List.of(12), kernel.closed);
        assertEquals(0, counters.requests());
    }
}

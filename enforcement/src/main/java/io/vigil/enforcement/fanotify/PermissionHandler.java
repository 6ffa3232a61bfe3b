package io.vigil.enforcement.fanotify;

import io.vigil.enforcement.fanotify.internal.EventFile;
import io.vigil.enforcement.fanotify.internal.EventMetadata;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one batch of events read from the kernel: every permission event gets exactly one
 * answer and its fd is closed, whatever the decider does. The decisions of a batch run in
 * parallel on the pool, each bounded by the timeout from the moment its event was read.
 * The kernel and the file lookup are injected, so this runs without root in tests.
 */
final class PermissionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PermissionHandler.class);

    /** Where answers go: the fanotify fd. */
    interface Kernel {
        void respond(int eventFd, int response) throws FanotifyException;

        void closeEventFd(int eventFd);
    }

    /** What an event fd refers to. */
    interface Files {
        EventFile.Resolved resolve(int eventFd) throws IOException;
    }

    record Settings(int selfPid, GuardMode mode, FailurePolicy failure, Duration timeout) {}

    private final Kernel kernel;
    private final Files files;
    private final Decider decider;
    private final ExecutorService pool;
    private final Settings settings;
    private final GuardCounters counters;
    private final GuardListener listener;

    PermissionHandler(Kernel kernel, Files files, Decider decider, ExecutorService pool, Settings settings,
                      GuardCounters counters, GuardListener listener) {
        this.kernel = kernel;
        this.files = files;
        this.decider = decider;
        this.pool = pool;
        this.settings = settings;
        this.counters = counters;
        this.listener = listener;
    }

    /** One event on its way to an answer. */
    private static final class Pending {
        final EventMetadata meta;
        final long readAt;
        PermissionRequest request;
        Future<Decision> future;
        boolean answered;

        Pending(EventMetadata meta, long readAt) {
            this.meta = meta;
            this.readAt = readAt;
        }
    }

    void handle(List<EventMetadata> batch) {
        long now = System.nanoTime();
        List<Pending> pending = new ArrayList<>(batch.size());
        try {
            for (EventMetadata m : batch) {
                if (!m.isPermission() || m.fd() < 0) {
                    dropNonPermission(m);
                    continue;
                }
                counters.requests.increment();
                Pending p = new Pending(m, now);
                pending.add(p);
                start(p);
            }
            for (Pending p : pending) {
                if (!p.answered) {
                    finish(p);
                }
            }
        } finally {
            for (Pending p : pending) {
                if (!p.answered) { // only after an unexpected exception above
                    counters.errors.increment();
                    answer(p, failVerdict(p), Outcome.DECIDER_FAILED, "guard error before a decision");
                }
            }
        }
    }

    private void start(Pending p) {
        EventMetadata m = p.meta;
        if (m.pid() == settings.selfPid()) {
            p.request = new PermissionRequest(m.pid(), null, 0, 0, m.isExec());
            answer(p, Verdict.ALLOW, Outcome.SELF, "the agent's own open");
            return;
        }
        EventFile.Resolved f;
        try {
            f = files.resolve(m.fd());
        } catch (IOException | RuntimeException e) {
            p.request = new PermissionRequest(m.pid(), null, 0, 0, m.isExec());
            counters.errors.increment();
            answer(p, failVerdict(p), Outcome.UNRESOLVED, String.valueOf(e.getMessage()));
            return;
        }
        PermissionRequest request = new PermissionRequest(m.pid(), f.path(), f.dev(), f.ino(), m.isExec());
        p.request = request;
        try {
            p.future = pool.submit(() -> decider.decide(request));
        } catch (RejectedExecutionException e) {
            counters.errors.increment();
            answer(p, failVerdict(p), Outcome.DECIDER_FAILED, "decision pool refused the request (guard closing)");
        }
    }

    private void finish(Pending p) {
        long left = p.readAt + settings.timeout().toNanos() - System.nanoTime();
        Decision d;
        try {
            d = p.future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            p.future.cancel(true);
            counters.errors.increment();
            answer(p, failVerdict(p), Outcome.DECIDER_TIMEOUT, "no decision within " + settings.timeout().toMillis() + " ms");
            return;
        } catch (ExecutionException e) {
            counters.errors.increment();
            answer(p, failVerdict(p), Outcome.DECIDER_FAILED, "decider threw " + e.getCause());
            return;
        } catch (CancellationException e) {
            counters.errors.increment();
            answer(p, failVerdict(p), Outcome.DECIDER_FAILED, "decision cancelled (guard closing)");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.future.cancel(true);
            counters.errors.increment();
            answer(p, failVerdict(p), Outcome.DECIDER_FAILED, "interrupted while waiting for the decider");
            return;
        }
        if (d == null) {
            counters.errors.increment();
            answer(p, failVerdict(p), Outcome.DECIDER_FAILED, "decider returned null");
        } else if (d.verdict() == Verdict.DENY && settings.mode() == GuardMode.MONITOR) {
            counters.wouldDeny.increment();
            answer(p, Verdict.ALLOW, Outcome.WOULD_DENY, d.reason());
        } else {
            answer(p, d.verdict(), Outcome.DECIDED, d.reason());
        }
    }

    /** The failure policy's verdict; monitor mode never denies. */
    private Verdict failVerdict(Pending p) {
        return settings.mode() == GuardMode.MONITOR ? Verdict.ALLOW : settings.failure().verdictFor(p.meta.isExec());
    }

    private void answer(Pending p, Verdict verdict, Outcome outcome, String reason) {
        p.answered = true;
        int fd = p.meta.fd();
        try {
            kernel.respond(fd, verdict.code());
        } catch (FanotifyException | RuntimeException e) {
            counters.errors.increment();
            LOG.error("could not answer fanotify event fd {} (pid {}): {}", fd, p.meta.pid(), e.getMessage());
        } finally {
            kernel.closeEventFd(fd);
        }
        (verdict == Verdict.ALLOW ? counters.allowed : counters.denied).increment();
        GuardEvent event = new GuardEvent(p.request, verdict, outcome, reason, System.nanoTime() - p.readAt);
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("guard listener threw on {}: {}", event, e.toString());
        }
    }

    private void dropNonPermission(EventMetadata m) {
        if (m.fd() >= 0) {
            kernel.closeEventFd(m.fd());
        }
        counters.errors.increment();
        LOG.warn("unexpected fanotify event mask 0x{} fd {} (not a permission event): ignored", Long.toHexString(m.mask()), m.fd());
    }
}

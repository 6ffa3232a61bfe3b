package io.vigil.enforcement.fanotify;

import io.vigil.enforcement.fanotify.internal.EventFile;
import io.vigil.enforcement.fanotify.internal.EventMetadata;
import io.vigil.enforcement.fanotify.internal.FanotifyFd;
import io.vigil.enforcement.fanotify.internal.FanotifyLibC;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Denies opens and execs of what it marks, by answering fanotify permission events with a
 * {@link Decider}'s verdict. Only marked files, directories and mounts make events, so the rest
 * of the system pays nothing. One reader thread reads events; decisions run on a small pool.
 *
 * <p>Fail-safe, by the kernel: when this guard is closed or the agent dies, its fanotify fd is
 * closed, the kernel answers every pending event ALLOW and drops every mark. Denial stops with
 * the agent; nothing stays blocked.
 */
public final class FanotifyGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FanotifyGuard.class);

    private static final long CLOSE_GRACE_MS = 2000;
    private static final long READ_ERROR_BACKOFF_MS = 10;

    private final FanotifyFd fan;
    private final ExecutorService pool;
    private final PermissionHandler handler;
    private final GuardCounters counters = new GuardCounters();
    private final Thread reader;
    private final Duration timeout;
    private volatile boolean closed;

    private FanotifyGuard(Builder b) throws FanotifyException {
        this.fan = FanotifyFd.open();
        this.timeout = b.timeout;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(b.decisionThreads, r -> {
            Thread t = new Thread(r, "vigil-fanotify-decide-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        EventFile files = new EventFile();
        PermissionHandler.Kernel kernel = new PermissionHandler.Kernel() {
            @Override
            public void respond(int eventFd, int response) throws FanotifyException {
                fan.respond(eventFd, response);
            }

            @Override
            public void closeEventFd(int eventFd) {
                fan.closeEventFd(eventFd);
            }
        };
        this.handler = new PermissionHandler(kernel, files::resolve, b.decider, pool,
                new PermissionHandler.Settings((int) ProcessHandle.current().pid(), b.mode, b.failure, b.timeout),
                counters, b.listener);
        this.reader = new Thread(this::readLoop, "vigil-fanotify-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static Builder builder(Decider decider) {
        return new Builder(decider);
    }

    /** Marks {@code path} so its opens/execs (as {@code accesses} say) are asked about. */
    public void protect(MarkTarget target, Path path, Set<Access> accesses) throws FanotifyException {
        fan.mark(FanotifyLibC.FAN_MARK_ADD | target.markFlags(), Access.maskOf(accesses) | target.extraMask(), path.toString());
    }

    /** Removes what {@link #protect} added for the same target, path and accesses. */
    public void unprotect(MarkTarget target, Path path, Set<Access> accesses) throws FanotifyException {
        fan.mark(FanotifyLibC.FAN_MARK_REMOVE | target.markFlags(), Access.maskOf(accesses) | target.extraMask(), path.toString());
    }

    /** Removes every mark of this guard (FAN_MARK_FLUSH of inode, mount and filesystem marks). */
    public void unprotectAll() throws FanotifyException {
        fan.flush(FanotifyLibC.FAN_MARK_INODE);
        fan.flush(FanotifyLibC.FAN_MARK_MOUNT);
        fan.flush(FanotifyLibC.FAN_MARK_FILESYSTEM);
    }

    /** Removes every mark of one type (FILE and DIRECTORY are both inode marks: either removes both). */
    public void unprotectEvery(MarkTarget target) throws FanotifyException {
        fan.flush(target.markFlags());
    }

    public GuardCounters counters() {
        return counters;
    }

    private void readLoop() {
        List<EventMetadata> batch = new ArrayList<>();
        while (!closed) {
            batch.clear();
            try {
                if (!fan.await(batch)) {
                    return;
                }
            } catch (FanotifyException | RuntimeException e) {
                // Events decoded before the failure are still answered below; those after it stay
                // pending until the guard closes (then the kernel allows them).
                LOG.error("fanotify read failed: {}", e.getMessage());
                backOff();
            }
            try {
                handler.handle(batch);
            } catch (Throwable t) { // the reader must not die: without it every marked open waits
                LOG.error("fanotify guard failed on a batch of {} events; continuing", batch.size(), t);
            }
        }
    }

    private static void backOff() {
        try {
            Thread.sleep(READ_ERROR_BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops answering: the reader gets up to min(decision timeout, 2 s) to answer what it has read;
     * then the decision threads are interrupted, so what is still undecided gets the failure
     * policy's answer; then the fanotify fd is closed and the kernel allows whatever is still
     * unread and removes the marks. Returns within about 4 s whatever the decider does.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        fan.wakeUp();
        try {
            reader.join(Math.min(timeout.toMillis(), CLOSE_GRACE_MS) + 1);
            pool.shutdownNow();
            reader.join(CLOSE_GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
        if (reader.isAlive()) {
            LOG.warn("fanotify reader did not stop within {} ms; closing the fanotify fd under it", 2 * CLOSE_GRACE_MS);
        }
        fan.close();
    }

    /** Settings of a guard; {@link #start()} opens the fanotify group and starts reading. */
    public static final class Builder {
        private final Decider decider;
        private GuardMode mode = GuardMode.ENFORCE;
        private FailurePolicy failure = FailurePolicy.FAIL_CLOSED;
        private Duration timeout = Duration.ofMillis(500);
        private GuardListener listener = GuardListener.NONE;
        private int decisionThreads = 2;

        private Builder(Decider decider) {
            this.decider = Objects.requireNonNull(decider, "decider");
        }

        public Builder mode(GuardMode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /** Default {@link FailurePolicy#FAIL_CLOSED}. */
        public Builder failurePolicy(FailurePolicy failure) {
            this.failure = Objects.requireNonNull(failure);
            return this;
        }

        /** How long an opener may wait for the decider before the failure policy answers; default 500 ms. */
        public Builder decisionTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("decision timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Builder listener(GuardListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Decisions run in parallel on this many threads; default 2. */
        public Builder decisionThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("decision threads must be >= 1: " + n);
            }
            this.decisionThreads = n;
            return this;
        }

        public FanotifyGuard start() throws FanotifyException {
            return new FanotifyGuard(this);
        }
    }
}

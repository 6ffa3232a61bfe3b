package io.vigil.enforcement.fanotify;

import io.vigil.enforcement.fanotify.internal.EventFile;
import io.vigil.enforcement.fanotify.internal.EventMetadata;
import io.vigil.enforcement.fanotify.internal.FanotifyFd;
import io.vigil.enforcement.fanotify.internal.FanotifyLibC;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes opens of what it marks with FAN_OPEN notifications: the kernel queues an event after
 * the open and the opener never waits, so an observed open costs the opener only the queueing, and
 * opens of unmarked files cost nothing. One reader thread hands each open to the listener.
 *
 * <p>The queue is the kernel's bounded one: when it is full the kernel drops events and queues one
 * FAN_Q_OVERFLOW, counted in {@link #overflows()} (how many were lost is not known, only that some
 * were). The agent's own opens are skipped, so reading a marked file never feeds itself.
 */
public final class OpenWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenWatcher.class);
    /** Directory opens too (opendir), as security_file_open sees them. */
    private static final long MASK = FanotifyLibC.FAN_OPEN | FanotifyLibC.FAN_ONDIR;

    private final FanotifyFd fan;
    private final Consumer<OpenedFile> listener;
    private final Runnable overflowed;
    private final EventFile files = new EventFile();
    private final int self = (int) ProcessHandle.current().pid();
    private final LongAdder overflows = new LongAdder();
    private final LongAdder unresolved = new LongAdder();
    private final Thread reader;
    private volatile boolean closed;

    private OpenWatcher(Consumer<OpenedFile> listener, Runnable overflowed) throws FanotifyException {
        this.fan = FanotifyFd.openNotify();
        this.listener = listener;
        this.overflowed = overflowed;
        this.reader = new Thread(this::readLoop, "vigil-fanotify-observe");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens a notification group and starts reading; {@code listener} runs on the reader thread, and
     * {@code overflowed} there for each FAN_Q_OVERFLOW.
     */
    public static OpenWatcher start(Consumer<OpenedFile> listener, Runnable overflowed) throws FanotifyException {
        return new OpenWatcher(listener, overflowed);
    }

    /** Reports opens of the file, or of the directory's direct children (and the directory itself). */
    public void watch(MarkTarget target, Path path) throws FanotifyException {
        fan.mark(FanotifyLibC.FAN_MARK_ADD | target.markFlags(), MASK | target.extraMask(), path.toString());
    }

    /** Removes what {@link #watch} added for the same target and path. */
    public void unwatch(MarkTarget target, Path path) throws FanotifyException {
        fan.mark(FanotifyLibC.FAN_MARK_REMOVE | target.markFlags(), MASK | target.extraMask(), path.toString());
    }

    /** FAN_Q_OVERFLOW events read: each means the kernel dropped opens because the queue was full. */
    public long overflows() {
        return overflows.sum();
    }

    /** Events whose file could not be resolved (readlink or fstat of the event fd failed). */
    public long unresolved() {
        return unresolved.sum();
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
                LOG.error("fanotify observer read failed: {}", e.getMessage());
            }
            for (EventMetadata m : batch) {
                handle(m);
            }
        }
    }

    /** Closes every event fd, whatever the listener does: a leaked fd would pin the file. */
    private void handle(EventMetadata m) {
        if ((m.mask() & FanotifyLibC.FAN_Q_OVERFLOW) != 0) {
            overflows.increment();
            overflowed.run();
        }
        if (m.fd() < 0) {
            return;
        }
        try {
            if (m.pid() == self) {
                return;
            }
            EventFile.Resolved r = files.resolve(m.fd());
            listener.accept(new OpenedFile(m.pid(), r.path(), r.dev(), r.ino()));
        } catch (IOException e) {
            unresolved.increment();
        } catch (RuntimeException e) {   // the reader must not die: later opens would go unreported
            LOG.error("fanotify observer listener failed", e);
        } finally {
            fan.closeEventFd(m.fd());
        }
    }

    /** Stops reading and closes the group: the kernel drops its marks and queued events. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        fan.wakeUp();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fan.close();
    }
}

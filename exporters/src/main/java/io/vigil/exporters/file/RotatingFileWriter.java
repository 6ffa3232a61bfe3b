package io.vigil.exporters.file;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The export file: whole lines appended through a buffer, rotated by a {@link RotationPolicy}.
 *
 * <p>Rotation (between two lines, so no line is ever split or lost): flush and close the file,
 * rename it to its backup name ({@link BackupFiles}), open a new one with the configured
 * permissions; then, off the writing thread, gzip the backup (if asked) and remove the oldest
 * backups beyond the maximum. {@link #close()} waits for that work. Time comes from the injected
 * clocks (monotonic for the interval, wall for backup names); background work from the injected
 * executor, so tests run it inline.
 *
 * <p>Full buffers go to the file on a {@link BackgroundAppender} thread, in order; {@link #flush()},
 * rotation and {@link #close()} wait for it. A write error surfaces on the next call from the sink
 * thread; the lines it lost move from written to failed in the {@link ExportStats}.
 *
 * <p>Single-threaded: one sink thread calls everything but the background tasks.
 */
public final class RotatingFileWriter implements AutoCloseable {
    private static final int BUFFER = 256 * 1024;

    private final Path path;
    private final RotationPolicy policy;
    private final Set<PosixFilePermission> perms;
    private final LongSupplier nanoClock;
    private final InstantSource wallClock;
    private final Executor background;
    private final ExecutorService ownedBackground;
    private final BackupFiles backups;
    private final GzipCompressor gzip;
    private final ExportStats stats;

    private final BackgroundAppender appender;
    private byte[] buf;
    private int buffered;
    private OutputStream out;
    private long size;
    private long openedNanos;
    private boolean closed;

    /**
     * @param background where compression and pruning run; null for a private single daemon thread
     */
    public RotatingFileWriter(Path path, RotationPolicy policy, Set<PosixFilePermission> perms, LongSupplier nanoClock,
                              InstantSource wallClock, Executor background, ExportStats stats) {
        this.path = path;
        this.policy = policy;
        this.perms = perms;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
        if (background == null) {
            this.ownedBackground = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "vigil-export-rotate");
                t.setDaemon(true);
                return t;
            });
            this.background = ownedBackground;
        } else {
            this.ownedBackground = null;
            this.background = background;
        }
        this.backups = new BackupFiles(path);
        this.gzip = new GzipCompressor(perms);
        this.stats = stats;
        this.appender = new BackgroundAppender("vigil-export-write", BUFFER, lost -> {
            stats.written.add(-lost);
            stats.failed.add(lost);
        });
        this.buf = appender.firstBuffer();
        try {
            open();
        } catch (IOException e) {
            stopAppender();
            throw new UncheckedIOException("cannot open the export file " + path + ": " + e.getMessage(), e);
        }
    }

    private void open() throws IOException {
        FileSupport.createWith(path, perms);
        out = Files.newOutputStream(path, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        appender.setOutput(out);
        size = Files.size(path);
        openedNanos = nanoClock.getAsLong();
    }

    /** Appends one whole line (its bytes, '\n' included), rotating first if it would not fit. */
    public void writeLine(byte[] line, int off, int len) {
        ensureOpen();
        try {
            throwFailure();
            if (policy.sizeExceeded(size, len)) {
                rotate();
            }
            if (len > BUFFER - buffered) {
                drain();
                if (len > BUFFER) {
                    awaitWritten(); // in order, after what the appender holds
                    out.write(line, off, len);
                    size += len;
                    return;
                }
            }
            System.arraycopy(line, off, buf, buffered, len);
            buffered += len;
            size += len;
        } catch (IOException e) {
            throw new UncheckedIOException("writing to " + path + ": " + e.getMessage(), e);
        }
    }

    /** Rotates if the interval has elapsed and the file has something in it. */
    public void tick(long nowNanos) {
        if (closed || !policy.intervalElapsed(openedNanos, nowNanos)) {
            return;
        }
        if (size == 0) {
            openedNanos = nowNanos; // nothing to rotate: start a new interval
            return;
        }
        try {
            rotate();
        } catch (IOException e) {
            throw new UncheckedIOException("rotating " + path + ": " + e.getMessage(), e);
        }
    }

    /** Rotates now (if the file is not empty). */
    public void rotateNow() {
        ensureOpen();
        if (size + buffered == 0) {
            return;
        }
        try {
            rotate();
        } catch (IOException e) {
            throw new UncheckedIOException("rotating " + path + ": " + e.getMessage(), e);
        }
    }

    private void rotate() throws IOException {
        drain();
        awaitWritten();
        out.close();
        Path backup = backups.nameFor(wallClock.instant());
        try {
            Files.move(path, backup, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            open(); // keep appending to the same file rather than fail every later write
            throw e;
        }
        stats.rotations.increment();
        open();
        background.execute(() -> afterRotation(backup));
    }

    /** Off the writer thread: compress, then prune. Failures are counted and the backup kept as is. */
    private void afterRotation(Path backup) {
        if (policy.compress() && Files.exists(backup)) { // pruning may have removed it while it waited
            try {
                gzip.compress(backup);
                stats.compressed.increment();
            } catch (IOException | RuntimeException e) {
                stats.compressFailures.increment();
            }
        }
        try {
            stats.backupsRemoved.add(backups.prune(policy.maxBackups()));
        } catch (IOException | RuntimeException e) {
            stats.pruneFailures.increment();
        }
    }

    /** Hands the buffer to the appender. */
    private void drain() throws IOException {
        if (buffered > 0) {
            try {
                buf = appender.handOff(buf, buffered);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while handing a buffer to the writer", e);
            }
            buffered = 0;
        }
    }

    /** Waits until the appender has written everything handed to it; throws its error, if any. */
    private void awaitWritten() throws IOException {
        try {
            appender.awaitIdle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the writer", e);
        }
        throwFailure();
    }

    private void throwFailure() throws IOException {
        IOException f = appender.takeFailure();
        if (f != null) {
            throw f;
        }
    }

    private void stopAppender() {
        try {
            appender.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the buffer to the file and waits for it. */
    public void flush() {
        if (closed) {
            return;
        }
        try {
            drain();
            awaitWritten();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("flushing " + path + ": " + e.getMessage(), e);
        }
    }

    /** Bytes in the current file, buffered ones included. */
    public long size() {
        return size;
    }

    public Path path() {
        return path;
    }

    public BackupFiles backups() {
        return backups;
    }

    /** Flushes, closes the file and waits (up to 60 s) for compression and pruning to finish. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            drain();
            awaitWritten();
        } catch (IOException e) {
            failure = e;
        }
        stopAppender();
        try {
            out.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (ownedBackground != null) {
            ownedBackground.shutdown();
            try {
                ownedBackground.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("closing " + path + ": " + failure.getMessage(), failure);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("export file " + path + " is closed");
        }
    }
}

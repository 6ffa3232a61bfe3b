package io.vigil.exporters.file;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.json.EventJsonWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.LongSupplier;

/**
 * Appends events to a file as Tetragon-shaped JSON lines (Tetragon's {@code --export-filename}).
 *
 * <p>Writes go through the JSON generator's buffer and a 64 KB stream buffer; they reach the file
 * on {@link #flush()}, on {@link #close()}, when the buffers fill, and at the latest
 * {@code flushInterval} after the first unflushed event, checked on every {@link #accept} and on
 * {@link #flushIfDue} (which the pipeline calls when idle). No thread of its own; time comes from
 * the injected nano clock. A new file is created rw------- (events carry command lines).
 * Rotation is not done yet. Single-threaded, like every {@link EventSink}.
 */
public final class JsonFileExporter implements EventSink {
    private static final int STREAM_BUFFER = 64 * 1024;

    private final Path path;
    private final EventJsonWriter writer;
    private final LongSupplier nanoClock;
    private final long flushIntervalNanos;
    private final OutputStream out;
    private final JsonGenerator gen;
    private long oldestUnflushedNanos;
    private boolean dirty;
    private boolean closed;
    private long written;

    /**
     * @param flushIntervalNanos longest time an accepted event may sit in the buffers
     */
    public JsonFileExporter(Path path, EventJsonWriter writer, LongSupplier nanoClock, long flushIntervalNanos) {
        if (flushIntervalNanos <= 0) {
            throw new IllegalArgumentException("flushIntervalNanos must be > 0");
        }
        this.path = path;
        this.writer = writer;
        this.nanoClock = nanoClock;
        this.flushIntervalNanos = flushIntervalNanos;
        try {
            createPrivately(path);
            this.out = new BufferedOutputStream(
                    Files.newOutputStream(path, StandardOpenOption.APPEND, StandardOpenOption.WRITE), STREAM_BUFFER);
            this.gen = writer.newGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the export file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Flushes at least once a second, on the system's monotonic clock. */
    public static JsonFileExporter open(Path path) {
        return new JsonFileExporter(path, new EventJsonWriter(), System::nanoTime, 1_000_000_000L);
    }

    private static void createPrivately(Path path) throws IOException {
        if (Files.exists(path)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(path);
        }
    }

    @Override
    public void accept(Event event) {
        ensureOpen();
        long now = nanoClock.getAsLong();
        try {
            writer.writeLine(gen, event);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to " + path + ": " + e.getMessage(), e);
        }
        written++;
        if (!dirty) {
            dirty = true;
            oldestUnflushedNanos = now;
        }
        flushIfDue(now);
    }

    /** Flushes if an event has waited in the buffers for the flush interval or longer. */
    public void flushIfDue(long nowNanos) {
        if (flushDue(nowNanos)) {
            flush();
        }
    }

    private boolean flushDue(long nowNanos) {
        return dirty && !closed && nowNanos - oldestUnflushedNanos >= flushIntervalNanos;
    }

    @Override
    public void flush() {
        if (closed || !dirty) {
            return;
        }
        try {
            gen.flush(); // generator buffer -> stream buffer -> file
        } catch (IOException e) {
            throw new UncheckedIOException("flushing " + path + ": " + e.getMessage(), e);
        }
        dirty = false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            gen.close(); // flushes, then closes the stream and the file
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + path + ": " + e.getMessage(), e);
        }
    }

    /** Events accepted so far. */
    public long written() {
        return written;
    }

    public Path path() {
        return path;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("export file " + path + " is closed");
        }
    }
}

package io.vigil.exporters.file;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.ExportLoss;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.api.json.Rfc3339;
import io.vigil.exporters.filter.EventTypes;
import io.vigil.exporters.filter.ExportFilter;
import io.vigil.exporters.filter.FieldFilters;
import io.vigil.exporters.filter.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Tetragon's JSON file export ({@code --export-filename} and its companions): events as
 * Tetragon-shaped JSON lines in a file that rotates, with Tetragon's filters.
 *
 * <p>Each event goes through, in Tetragon's order: redaction ({@link Redactor}, which Tetragon
 * applies when the event is made, so the filters see redacted arguments), the allow/deny lists
 * ({@link ExportFilter}; a filtered event is counted as filtered, not lost), the rate limit
 * ({@link RateLimiter}; a dropped event is counted and reported in the file by a
 * {@code rate_limit_info} event), the field filters ({@link FieldFilters}), then one whole line to
 * the {@link RotatingFileWriter}.
 *
 * <p>Lines reach the file on {@link #flush()}, {@link #close()}, when the 256 KB buffer fills, and at
 * the latest {@code flushInterval} after the first unflushed event (checked on every
 * {@link #accept} and {@link #flushIfDue}). Interval rotation and rate-limit reports are checked at
 * the same points, so an idle exporter rotates at its next event. No thread of its own besides the
 * rotation's background compression. Single-threaded, like every {@link EventSink}.
 */
public final class JsonFileExporter implements EventSink {
    private final EventJsonWriter writer;
    private final LongSupplier nanoClock;
    private final InstantSource wallClock;
    private final long flushIntervalNanos;
    private final ExportFilter filter;
    private final FieldFilters fieldFilters;
    private final Redactor redactor;
    private final RateLimiter limiter;
    private final RotatingFileWriter file;
    private final ExportStats stats = new ExportStats();
    private final LineBuffer line = new LineBuffer();
    private final ObjectMapper treeMapper;
    private JsonGenerator gen;
    private String nodeName = "";
    private long oldestUnflushedNanos;
    private boolean dirty;
    private boolean closed;

    /**
     * @param background         where rotated files are compressed and pruned; null for a private thread
     * @param flushIntervalNanos longest time an accepted event may sit in the buffers
     */
    public JsonFileExporter(Path path, FileExportOptions options, EventJsonWriter writer, LongSupplier nanoClock,
                            InstantSource wallClock, Executor background, long flushIntervalNanos) {
        if (flushIntervalNanos <= 0) {
            throw new IllegalArgumentException("flushIntervalNanos must be > 0");
        }
        this.writer = writer;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
        this.flushIntervalNanos = flushIntervalNanos;
        this.filter = options.filter();
        this.fieldFilters = options.fieldFilters();
        this.redactor = options.redactor();
        this.limiter = options.rateLimitPerMin() > 0 ? new RateLimiter(options.rateLimitPerMin(), nanoClock) : null;
        this.treeMapper = fieldFilters.isEmpty() ? null : new ObjectMapper(new JsonFactoryBuilder()
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build());
        this.file = new RotatingFileWriter(path, options.rotation(), options.permissions(), nanoClock, wallClock,
                background, stats);
        this.gen = newGenerator();
    }

    /** No rotation, no filters, files 0600 (the exporter before rotation existed; kept for callers and tests). */
    public JsonFileExporter(Path path, EventJsonWriter writer, LongSupplier nanoClock, long flushIntervalNanos) {
        this(path, FileExportOptions.DEFAULTS.withRotation(RotationPolicy.none()), writer, nanoClock,
                InstantSource.system(), null, flushIntervalNanos);
    }

    /** Tetragon's defaults (10 MB, 5 backups); flushes at least once a second on the monotonic clock. */
    public static JsonFileExporter open(Path path) {
        return open(path, FileExportOptions.DEFAULTS);
    }

    public static JsonFileExporter open(Path path, FileExportOptions options) {
        return new JsonFileExporter(path, options, new EventJsonWriter(), System::nanoTime, InstantSource.system(),
                null, 1_000_000_000L);
    }

    private JsonGenerator newGenerator() {
        try {
            return writer.newGenerator(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a LineBuffer does not fail
        }
    }

    @Override
    public void accept(Event event) {
        ensureOpen();
        long now = nanoClock.getAsLong();
        nodeName = event.nodeName();
        housekeeping(now);
        boolean alert = event.body() instanceof ExportLoss; // past the filters and the limit, as rate_limit_info
        Event e = alert || redactor.isEmpty() ? event : redactor.apply(event);
        if (!alert && !filter.admits(e)) {
            stats.filtered.increment();
            flushIfDue(now);
            return;
        }
        if (!alert && limiter != null && !limiter.allow(now)) {
            stats.rateLimited.increment();
            flushIfDue(now);
            return;
        }
        try {
            serialize(e);
            file.writeLine(line.array(), 0, line.length());
        } catch (IOException ex) {
            stats.failed.increment();
            throw new UncheckedIOException("writing to " + file.path() + ": " + ex.getMessage(), ex);
        } catch (RuntimeException ex) {
            stats.failed.increment();
            throw ex;
        } finally {
            line.reset();
        }
        stats.written.increment();
        if (!dirty) {
            dirty = true;
            oldestUnflushedNanos = now;
        }
        flushIfDue(now);
    }

    /** Serializes one event, '\n' included, into {@link #line}. */
    private void serialize(Event e) throws IOException {
        String type = EventTypes.of(e);
        try {
            writer.writeLine(gen, e);
            gen.flush();
            if (treeMapper != null && !(e.body() instanceof ExportLoss) && fieldFilters.appliesTo(type)) {
                ObjectNode tree = (ObjectNode) treeMapper.readTree(line.array(), 0, line.length());
                line.reset();
                fieldFilters.apply(type, (ObjectNode) tree.get(e.body().jsonKey()));
                treeMapper.writeValue(line, tree);
                line.write('\n');
            }
        } catch (IOException | RuntimeException ex) {
            gen = newGenerator(); // the old one may hold half an object
            throw ex;
        }
    }

    /** Interval rotation and the rate limit's report, checked on every call from the sink thread. */
    private void housekeeping(long now) {
        file.tick(now);
        if (limiter != null) {
            writeRateLimitInfo(limiter.takeReport(now, false));
        }
    }

    /**
     * Tetragon's rate_limit_info event, protojson-shaped (uint64 as a string):
     * {@code {"rate_limit_info":{"number_of_dropped_process_events":"12"},"node_name":"n","time":"..."}}.
     * It bypasses the filters and the limit, as in Tetragon.
     */
    private void writeRateLimitInfo(long dropped) {
        if (dropped == 0) {
            return;
        }
        try {
            gen.writeStartObject();
            gen.writeFieldName("rate_limit_info");
            gen.writeStartObject();
            gen.writeStringField("number_of_dropped_process_events", Long.toString(dropped));
            gen.writeEndObject();
            if (!nodeName.isEmpty()) {
                gen.writeStringField("node_name", nodeName);
            }
            gen.writeStringField("time", Rfc3339.format(wallClock.instant()));
            gen.writeEndObject();
            gen.writeRaw('\n');
            gen.flush();
            file.writeLine(line.array(), 0, line.length());
        } catch (IOException ex) {
            gen = newGenerator();
            throw new UncheckedIOException("writing rate_limit_info to " + file.path() + ": " + ex.getMessage(), ex);
        } finally {
            line.reset();
        }
        stats.rateLimitInfos.increment();
        if (!dirty) {
            dirty = true;
            oldestUnflushedNanos = nanoClock.getAsLong();
        }
    }

    /** Flushes if an event has waited in the buffers for the flush interval or longer; rotates if due. */
    public void flushIfDue(long nowNanos) {
        if (closed) {
            return;
        }
        if (dirty && nowNanos - oldestUnflushedNanos >= flushIntervalNanos) {
            flush();
        }
    }

    @Override
    public void flush() {
        if (closed) {
            return;
        }
        housekeeping(nanoClock.getAsLong());
        if (!dirty) {
            return;
        }
        file.flush();
        dirty = false;
    }

    /** Reports the last rate-limit drops, flushes, closes the file and waits for compression. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (limiter != null) {
                writeRateLimitInfo(limiter.takeReport(nanoClock.getAsLong(), true));
            }
        } finally {
            closed = true;
            file.close();
        }
    }

    /** Events written so far. */
    public long written() {
        return stats.written.sum();
    }

    public ExportStats stats() {
        return stats;
    }

    public Path path() {
        return file.path();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("export file " + file.path() + " is closed");
        }
    }
}

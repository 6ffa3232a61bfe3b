package io.vigil.exporters.remote;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.api.Event;
import io.vigil.api.json.EventJsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The Tetragon JSON of an event as a {@link Record}: payload = the JSON object (no line break),
 * id = {@link RecordIds} of that JSON, key = {@link RecordEncoder#key} (the process's exec_id, so one
 * process's events stay in one Kafka partition, in order). Not thread-safe: one per accepting thread.
 */
public final class JsonRecordEncoder implements RecordEncoder {
    private final EventJsonWriter writer;
    private final Buf buf = new Buf();
    private JsonGenerator gen;

    public JsonRecordEncoder(EventJsonWriter writer) {
        this.writer = writer;
    }

    public JsonRecordEncoder() {
        this(new EventJsonWriter());
    }

    @Override
    public Record encode(Event event) {
        byte[] json = json(event);
        return new Record(RecordIds.of(json), RecordEncoder.key(event), json);
    }

    /** The event's canonical JSON, as {@link RecordIds} hashes it. */
    public byte[] json(Event event) {
        buf.reset();
        try {
            if (gen == null) {
                gen = writer.newGenerator(buf);
            }
            writer.write(gen, event);
            gen.flush();
        } catch (IOException | RuntimeException e) {
            gen = null; // it may hold half an object
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        return buf.copy();
    }

    private static final class Buf extends ByteArrayOutputStream {
        Buf() {
            super(2048);
        }

        byte[] copy() {
            return Arrays.copyOf(buf, count);
        }
    }
}

package io.vigil.agent.output;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.json.EventJsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Events as Tetragon's JSON lines on a stream the sink does not own (stdout). */
public final class JsonLinesSink implements EventSink {
    private final EventJsonWriter writer = new EventJsonWriter();
    private final JsonGenerator gen;

    public JsonLinesSink(OutputStream out) {
        try {
            this.gen = writer.newGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void accept(Event event) {
        try {
            writer.writeLine(gen, event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        try {
            gen.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        flush();
    }
}

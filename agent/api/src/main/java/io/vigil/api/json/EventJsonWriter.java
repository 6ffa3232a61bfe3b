package io.vigil.api.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.vigil.api.Event;
import io.vigil.api.EventBody;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes events exactly as Tetragon's JSON exporter does: one object per line,
 * {@code {"process_exec":{"process":{...},"parent":{...}},"node_name":"n","time":"..."}}.
 *
 * <p>Tetragon marshals its protobuf {@code GetEventsResponse} with
 * {@code protojson.MarshalOptions{UseProtoNames: true}} (pkg/encoder/encoder.go, ProtojsonEncoder),
 * so this writer follows protojson's rules:
 * <ul>
 *   <li>field names are the proto names (snake_case), in the proto's field-number order: the event
 *       oneof first, then node_name (1000), then time (1001);
 *   <li>EmitUnpopulated is false: empty strings, zero plain numbers (refcnt, status) and unset
 *       messages (parent) are omitted; wrapper numbers (pid, uid, auid, tid) are written when set,
 *       even when 0;
 *   <li>timestamps as {@link Rfc3339} (UTC, 0/3/6/9 fractional digits);
 *   <li>strings escaped as Go's internal/encoding/json does: {@code \"} {@code \\} {@code \b}
 *       {@code \f} {@code \n} {@code \r} {@code \t}, other control characters as lower-case
 *       {@code \u001b}, everything else (including non-ASCII and {@code / < > &}) raw UTF-8.
 * </ul>
 * protojson inserts a random space after some commas to keep people from depending on its byte
 * layout; Tetragon's published events show none, and neither does this writer.
 *
 * <p>Streaming ({@link JsonGenerator}), no tree or reflection. A writer is stateless and may be
 * shared; a generator is not.
 */
public final class EventJsonWriter {
    private static final SerializableString PROCESS = new SerializedString("process");
    private static final SerializableString PARENT = new SerializedString("parent");
    private static final SerializableString NODE_NAME = new SerializedString("node_name");
    private static final SerializableString TIME = new SerializedString("time");
    private static final SerializableString SIGNAL = new SerializedString("signal");
    private static final SerializableString STATUS = new SerializedString("status");
    private static final SerializableString EXEC_ID = new SerializedString("exec_id");
    private static final SerializableString PID = new SerializedString("pid");
    private static final SerializableString UID = new SerializedString("uid");
    private static final SerializableString CWD = new SerializedString("cwd");
    private static final SerializableString BINARY = new SerializedString("binary");
    private static final SerializableString ARGUMENTS = new SerializedString("arguments");
    private static final SerializableString FLAGS = new SerializedString("flags");
    private static final SerializableString START_TIME = new SerializedString("start_time");
    private static final SerializableString AUID = new SerializedString("auid");
    private static final SerializableString PARENT_EXEC_ID = new SerializedString("parent_exec_id");
    private static final SerializableString REFCNT = new SerializedString("refcnt");
    private static final SerializableString TID = new SerializedString("tid");
    private static final SerializableString PROCESS_EXEC = new SerializedString(ProcessExec.JSON_KEY);
    private static final SerializableString PROCESS_EXIT = new SerializedString(ProcessExit.JSON_KEY);

    private final JsonFactory factory;

    public EventJsonWriter() {
        JsonFactoryBuilder b = new JsonFactoryBuilder();
        b.disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE); // Go writes \u001b, not \u001B
        b.enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8); // emoji as 4 raw bytes, as Go
        b.rootValueSeparator((String) null); // lines are separated by writeLine's '\n' only
        this.factory = b.build();
    }

    /**
     * A generator over {@code out} set up for {@link #write}/{@link #writeLine}. It buffers about
     * 8 KB before writing to {@code out}; {@code flush()} passes through to {@code out}, and
     * {@code close()} closes it.
     */
    public JsonGenerator newGenerator(OutputStream out) throws IOException {
        return factory.createGenerator(out);
    }

    /** Writes one event as one line: the JSON object and a '\n'. */
    public void writeLine(JsonGenerator g, Event e) throws IOException {
        write(g, e);
        g.writeRaw('\n');
    }

    /** Writes one event as one JSON object, without a line break. */
    public void write(JsonGenerator g, Event e) throws IOException {
        g.writeStartObject();
        EventBody body = e.body();
        if (body instanceof ProcessExec) {
            g.writeFieldName(PROCESS_EXEC);
            writeExec(g, (ProcessExec) body);
        } else if (body instanceof ProcessExit) {
            g.writeFieldName(PROCESS_EXIT);
            writeExit(g, (ProcessExit) body);
        } else {
            throw new IllegalArgumentException("no JSON form for " + body.getClass().getName());
        }
        if (!e.nodeName().isEmpty()) {
            g.writeFieldName(NODE_NAME);
            g.writeString(e.nodeName());
        }
        if (e.time() != null) {
            g.writeFieldName(TIME);
            writeTimestamp(g, e.time());
        }
        g.writeEndObject();
    }

    /** The event as one JSON object (no line break). For tests and low-rate outputs. */
    public String toJson(Event e) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = newGenerator(buf)) {
            write(g, e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a ByteArrayOutputStream does not fail
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private void writeExec(JsonGenerator g, ProcessExec x) throws IOException {
        g.writeStartObject();
        g.writeFieldName(PROCESS);
        writeProcess(g, x.process());
        if (x.parent() != null) {
            g.writeFieldName(PARENT);
            writeProcess(g, x.parent());
        }
        g.writeEndObject();
    }

    private void writeExit(JsonGenerator g, ProcessExit x) throws IOException {
        g.writeStartObject();
        g.writeFieldName(PROCESS);
        writeProcess(g, x.process());
        if (x.parent() != null) {
            g.writeFieldName(PARENT);
            writeProcess(g, x.parent());
        }
        if (!x.signal().isEmpty()) {
            g.writeFieldName(SIGNAL);
            g.writeString(x.signal());
        }
        if (x.status() != 0) {
            g.writeFieldName(STATUS);
            g.writeNumber(x.status());
        }
        if (x.time() != null) {
            g.writeFieldName(TIME);
            writeTimestamp(g, x.time());
        }
        g.writeEndObject();
    }

    /** A Tetragon {@code Process} object, fields in proto order. */
    public void writeProcess(JsonGenerator g, ProcessInfo p) throws IOException {
        g.writeStartObject();
        string(g, EXEC_ID, p.execId());
        uint32Wrapper(g, PID, p.pid());
        uint32Wrapper(g, UID, p.uid());
        string(g, CWD, p.cwd());
        string(g, BINARY, p.binary());
        string(g, ARGUMENTS, p.arguments());
        string(g, FLAGS, p.flags());
        if (p.startTime() != null) {
            g.writeFieldName(START_TIME);
            writeTimestamp(g, p.startTime());
        }
        uint32Wrapper(g, AUID, p.auid());
        string(g, PARENT_EXEC_ID, p.parentExecId());
        if (p.refcnt() != 0) {
            g.writeFieldName(REFCNT);
            g.writeNumber(p.refcnt());
        }
        uint32Wrapper(g, TID, p.tid());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializableString name, String v) throws IOException {
        if (!v.isEmpty()) {
            g.writeFieldName(name);
            g.writeString(v);
        }
    }

    private static void uint32Wrapper(JsonGenerator g, SerializableString name, long v) throws IOException {
        if (v != ProcessInfo.ABSENT) {
            g.writeFieldName(name);
            g.writeNumber(v);
        }
    }

    private static void writeTimestamp(JsonGenerator g, Instant t) throws IOException {
        char[] buf = new char[Rfc3339.MAX_LENGTH];
        int n = Rfc3339.format(t.getEpochSecond(), t.getNano(), buf, 0);
        g.writeString(buf, 0, n);
    }
}

package io.vigil.api.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.vigil.api.Event;
import io.vigil.api.EventBody;
import io.vigil.api.ExportLoss;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.ProcessUsdt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

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
 *   <li>EmitUnpopulated is false: empty strings, zero plain numbers (refcnt, status), empty
 *       repeated fields, zero enums and unset messages (parent) are omitted; wrapper numbers (pid,
 *       uid, auid, tid) are written when set, even when 0; a oneof member is written whenever it is
 *       the one set, even at its zero value ({@code "int_arg":0});
 *   <li>64-bit integers (size_arg, long_arg, cookie) as JSON strings, bytes as standard base64,
 *       enums by name;
 *   <li>fields of the policy events in the proto's declaration order (process_lsm declares
 *       policy_name and message before args);
 *   <li>timestamps as {@link Rfc3339} (UTC, 0/3/6/9 fractional digits);
 *   <li>strings escaped as Go's internal/encoding/json does: {@code \"} {@code \\} {@code \b}
 *       {@code \f} {@code \n} {@code \r} {@code \t}, other control characters as lower-case
 *       {@code \u001b}, everything else (including non-ASCII and {@code / < > &}) raw UTF-8.
 * </ul>
 * protojson inserts a random space after some commas to keep people from depending on its byte
 * layout; Tetragon's published events show none, and neither does this writer.
 *
 * <p>Streaming ({@link JsonGenerator}), no tree or reflection. Process objects are serialized once
 * and their bytes reused while the same object recurs ({@link ProcessJsonCache}). A writer may be
 * shared between threads; a generator may not.
 *
 * <p>This class writes the envelope (the event's key, node_name, time); each family's body has its
 * writer: {@link ProcessEventJson} (exec, exit), {@link PolicyEventJson} (kprobe, tracepoint, lsm,
 * uprobe, usdt), {@link VigilEventJson} (asset, export loss), over {@link ProcessJson} (process,
 * parent), {@link ArgumentJson} (args) and {@link ProtoFields} (omitting unpopulated fields).
 */
public final class EventJsonWriter {
    private static final SerializableString NODE_NAME = new SerializedString("node_name");
    private static final SerializableString TIME = new SerializedString("time");
    private static final SerializableString PROCESS_EXEC = new SerializedString(ProcessExec.JSON_KEY);
    private static final SerializableString PROCESS_EXIT = new SerializedString(ProcessExit.JSON_KEY);
    private static final SerializableString PROCESS_KPROBE = new SerializedString(ProcessKprobe.JSON_KEY);
    private static final SerializableString PROCESS_TRACEPOINT = new SerializedString(ProcessTracepoint.JSON_KEY);
    private static final SerializableString PROCESS_LSM = new SerializedString(ProcessLsm.JSON_KEY);
    private static final SerializableString PROCESS_UPROBE = new SerializedString(ProcessUprobe.JSON_KEY);

    private final JsonFactory factory;
    private final TimestampJson time = new TimestampJson();
    private final ProcessJson processes;
    private final ProcessEventJson processEvents;
    private final PolicyEventJson policyEvents;
    private final VigilEventJson vigilEvents;

    public EventJsonWriter() {
        this(true);
    }

    /** A writer that serializes every process object anew: the reference the cached output is tested against. */
    public static EventJsonWriter uncached() {
        return new EventJsonWriter(false);
    }

    private EventJsonWriter(boolean cacheProcesses) {
        JsonFactoryBuilder b = new JsonFactoryBuilder();
        b.disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE); // Go writes \u001b, not \u001B
        b.enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8); // emoji as 4 raw bytes, as Go
        b.rootValueSeparator((String) null); // lines are separated by writeLine's '\n' only
        this.factory = b.build();
        this.processes = new ProcessJson(factory, time, cacheProcesses);
        this.processEvents = new ProcessEventJson(processes, time);
        this.policyEvents = new PolicyEventJson(processes);
        this.vigilEvents = new VigilEventJson(processes, time);
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
        if (body instanceof ProcessExec x) {
            g.writeFieldName(PROCESS_EXEC);
            processEvents.writeExec(g, x);
        } else if (body instanceof ProcessExit x) {
            g.writeFieldName(PROCESS_EXIT);
            processEvents.writeExit(g, x);
        } else if (body instanceof ProcessKprobe k) {
            g.writeFieldName(PROCESS_KPROBE);
            policyEvents.writeKprobe(g, k);
        } else if (body instanceof ProcessTracepoint t) {
            g.writeFieldName(PROCESS_TRACEPOINT);
            policyEvents.writeTracepoint(g, t);
        } else if (body instanceof ProcessLsm l) {
            g.writeFieldName(PROCESS_LSM);
            policyEvents.writeLsm(g, l);
        } else if (body instanceof ProcessUprobe u) {
            g.writeFieldName(PROCESS_UPROBE);
            policyEvents.writeUprobe(g, u);
        } else if (body instanceof ProcessUsdt u) {
            g.writeFieldName(ProcessUsdt.JSON_KEY);
            policyEvents.writeUsdt(g, u);
        } else if (body instanceof ProcessAsset a) {
            g.writeFieldName(ProcessAsset.JSON_KEY);
            vigilEvents.writeAsset(g, a);
        } else if (body instanceof ExportLoss l) {
            g.writeFieldName(ExportLoss.JSON_KEY);
            vigilEvents.writeExportLoss(g, l);
        } else {
            throw new IllegalArgumentException("no JSON form for " + body.getClass().getName());
        }
        if (!e.nodeName().isEmpty()) {
            g.writeFieldName(NODE_NAME);
            g.writeString(e.nodeName());
        }
        if (e.time() != null) {
            g.writeFieldName(TIME);
            time.write(g, e.time());
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

    /** A Tetragon {@code KprobeArgument}: the oneof member set, then label. */
    public void writeArgument(JsonGenerator g, KprobeArgument a) throws IOException {
        ArgumentJson.write(g, a);
    }

    /** A Tetragon {@code Process} object, fields in proto order. */
    public void writeProcess(JsonGenerator g, ProcessInfo p) throws IOException {
        processes.write(g, p);
    }
}

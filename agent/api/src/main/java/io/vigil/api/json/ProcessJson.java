package io.vigil.api.json;

import static io.vigil.api.json.ProtoFields.string;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.vigil.api.ProcessInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Tetragon's {@code Process} object, fields in proto order, and the process/parent pair every
 * event starts with. With a {@link ProcessJsonCache}, an object is serialized once and its bytes
 * reused while the same instance recurs.
 */
final class ProcessJson {
    private static final SerializableString PROCESS = new SerializedString("process");
    private static final SerializableString PARENT = new SerializedString("parent");
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

    private final JsonFactory factory;
    private final TimestampJson time;
    private final ProcessJsonCache cache; // null: serialize every time

    ProcessJson(JsonFactory factory, TimestampJson time, boolean cached) {
        this.factory = factory;
        this.time = time;
        this.cache = cached ? new ProcessJsonCache(this::bytes) : null;
    }

    /** {@code "process":{...}} and, when there is one, {@code "parent":{...}}. */
    void processAndParent(JsonGenerator g, ProcessInfo process, ProcessInfo parent) throws IOException {
        g.writeFieldName(PROCESS);
        write(g, process);
        if (parent != null) {
            g.writeFieldName(PARENT);
            write(g, parent);
        }
    }

    void write(JsonGenerator g, ProcessInfo p) throws IOException {
        if (cache != null) {
            g.writeRawValue(cache.json(p));
        } else {
            writeFields(g, p);
        }
    }

    private byte[] bytes(ProcessInfo p) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        try (JsonGenerator g = factory.createGenerator(buf)) {
            writeFields(g, p);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a ByteArrayOutputStream does not fail
        }
        return buf.toByteArray();
    }

    private void writeFields(JsonGenerator g, ProcessInfo p) throws IOException {
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
            time.write(g, p.startTime());
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

    /** A UInt32Value: written whenever set, even when 0. */
    private static void uint32Wrapper(JsonGenerator g, SerializableString name, long v) throws IOException {
        if (v != ProcessInfo.ABSENT) {
            g.writeFieldName(name);
            g.writeNumber(v);
        }
    }
}

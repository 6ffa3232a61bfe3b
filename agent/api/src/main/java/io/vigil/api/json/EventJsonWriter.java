package io.vigil.api.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.EventBody;
import io.vigil.api.ExportLoss;
import io.vigil.api.KprobeAction;
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
import java.time.Instant;
import java.util.Base64;
import java.util.List;

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
    private static final SerializableString PROCESS_KPROBE = new SerializedString(ProcessKprobe.JSON_KEY);
    private static final SerializableString PROCESS_TRACEPOINT = new SerializedString(ProcessTracepoint.JSON_KEY);
    private static final SerializableString PROCESS_LSM = new SerializedString(ProcessLsm.JSON_KEY);
    private static final SerializableString PROCESS_UPROBE = new SerializedString(ProcessUprobe.JSON_KEY);

    private final JsonFactory factory;
    private final ProcessJsonCache processJson; // null: serialize every time
    private final TimestampBytes timestamps = new TimestampBytes();

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
        this.processJson = cacheProcesses ? new ProcessJsonCache(this::processBytes) : null;
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
        } else if (body instanceof ProcessKprobe k) {
            g.writeFieldName(PROCESS_KPROBE);
            writeKprobe(g, k);
        } else if (body instanceof ProcessTracepoint t) {
            g.writeFieldName(PROCESS_TRACEPOINT);
            writeTracepoint(g, t);
        } else if (body instanceof ProcessLsm l) {
            g.writeFieldName(PROCESS_LSM);
            writeLsm(g, l);
        } else if (body instanceof ProcessUprobe u) {
            g.writeFieldName(PROCESS_UPROBE);
            writeUprobe(g, u);
        } else if (body instanceof ProcessUsdt u) {
            g.writeFieldName(ProcessUsdt.JSON_KEY);
            writeUsdt(g, u);
        } else if (body instanceof ProcessAsset a) {
            g.writeFieldName(ProcessAsset.JSON_KEY);
            writeAsset(g, a);
        } else if (body instanceof ExportLoss l) {
            g.writeFieldName(ExportLoss.JSON_KEY);
            writeExportLoss(g, l);
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

    /** uint64 counts as strings, as protojson writes them (and rate_limit_info's count). */
    private void writeExportLoss(JsonGenerator g, ExportLoss l) throws IOException {
        g.writeStartObject();
        g.writeStringField("exporter", l.exporter());
        g.writeStringField("reason", l.reason().json());
        g.writeStringField("lost", Long.toString(l.lost()));
        g.writeStringField("total", Long.toString(l.total()));
        g.writeFieldName("since");
        writeTimestamp(g, l.since());
        g.writeEndObject();
    }

    private void writeAsset(JsonGenerator g, ProcessAsset a) throws IOException {
        g.writeStartObject();
        processAndParent(g, a.process(), a.parent());
        string(g, "policy_name", a.policyName());
        string(g, "event", a.event());
        string(g, "action", a.action());
        if (a.asset() != null) {
            g.writeObjectFieldStart("asset");
            string(g, "path", a.asset().path());
            g.writeNumberField("dev", a.asset().dev());
            g.writeNumberField("inode", a.asset().inode());
            g.writeEndObject();
        }
        if (a.destination() != null) {
            ProcessAsset.Destination d = a.destination();
            g.writeObjectFieldStart("destination");
            string(g, "address", d.address());
            g.writeNumberField("port", d.port());
            string(g, "protocol", d.protocol());
            strings(g, "names", d.names());
            g.writeEndObject();
        }
        if (a.bytesSent() != 0) {
            g.writeNumberField("bytes_sent", a.bytesSent());
        }
        if (a.budget() != 0) {
            g.writeNumberField("budget", a.budget());
        }
        g.writeEndObject();
    }

    private void writeKprobe(JsonGenerator g, ProcessKprobe k) throws IOException {
        g.writeStartObject();
        processAndParent(g, k.process(), k.parent());
        string(g, "function_name", k.functionName());
        args(g, k.args());
        if (k.returnArg() != null) {
            g.writeFieldName("return");
            writeArgument(g, k.returnArg());
        }
        action(g, "action", k.action());
        string(g, "policy_name", k.policyName());
        action(g, "return_action", k.returnAction());
        string(g, "message", k.message());
        strings(g, "tags", k.tags());
        g.writeEndObject();
    }

    private void writeTracepoint(JsonGenerator g, ProcessTracepoint t) throws IOException {
        g.writeStartObject();
        processAndParent(g, t.process(), t.parent());
        string(g, "subsys", t.subsys());
        string(g, "event", t.event());
        args(g, t.args());
        string(g, "policy_name", t.policyName());
        action(g, "action", t.action());
        string(g, "message", t.message());
        strings(g, "tags", t.tags());
        g.writeEndObject();
    }

    private void writeLsm(JsonGenerator g, ProcessLsm l) throws IOException {
        g.writeStartObject();
        processAndParent(g, l.process(), l.parent());
        string(g, "function_name", l.functionName());
        string(g, "policy_name", l.policyName());
        string(g, "message", l.message());
        args(g, l.args());
        action(g, "action", l.action());
        strings(g, "tags", l.tags());
        g.writeEndObject();
    }

    /** Tetragon's ProcessUprobe: path, symbol, policy_name, message, args, tags (no action field). */
    private void writeUprobe(JsonGenerator g, ProcessUprobe u) throws IOException {
        g.writeStartObject();
        processAndParent(g, u.process(), u.parent());
        string(g, "path", u.path());
        string(g, "symbol", u.symbol());
        string(g, "policy_name", u.policyName());
        string(g, "message", u.message());
        args(g, u.args());
        strings(g, "tags", u.tags());
        g.writeEndObject();
    }

    /** Tetragon's ProcessUsdt: path, provider, name, policy_name, message, args, action, tags. */
    private void writeUsdt(JsonGenerator g, ProcessUsdt u) throws IOException {
        g.writeStartObject();
        processAndParent(g, u.process(), u.parent());
        string(g, "path", u.path());
        string(g, "provider", u.provider());
        string(g, "name", u.name());
        string(g, "policy_name", u.policyName());
        string(g, "message", u.message());
        args(g, u.args());
        action(g, "action", u.action());
        strings(g, "tags", u.tags());
        g.writeEndObject();
    }

    private void processAndParent(JsonGenerator g, ProcessInfo process, ProcessInfo parent) throws IOException {
        g.writeFieldName(PROCESS);
        writeProcess(g, process);
        if (parent != null) {
            g.writeFieldName(PARENT);
            writeProcess(g, parent);
        }
    }

    private void args(JsonGenerator g, List<KprobeArgument> args) throws IOException {
        if (args.isEmpty()) {
            return;
        }
        g.writeFieldName("args");
        g.writeStartArray();
        for (KprobeArgument a : args) {
            writeArgument(g, a);
        }
        g.writeEndArray();
    }

    /** A Tetragon {@code KprobeArgument}: the oneof member set, then label. */
    public void writeArgument(JsonGenerator g, KprobeArgument a) throws IOException {
        g.writeStartObject();
        ArgValue v = a.value();
        g.writeFieldName(v.jsonKey());
        if (v instanceof ArgValue.IntArg x) {
            g.writeNumber(x.value());
        } else if (v instanceof ArgValue.UintArg x) {
            g.writeNumber(x.value());
        } else if (v instanceof ArgValue.SizeArg x) {
            g.writeString(Long.toUnsignedString(x.value()));
        } else if (v instanceof ArgValue.LongArg x) {
            g.writeString(Long.toString(x.value()));
        } else if (v instanceof ArgValue.StringArg x) {
            g.writeString(x.value());
        } else if (v instanceof ArgValue.BytesArg x) {
            g.writeString(Base64.getEncoder().encodeToString(x.value()));
        } else if (v instanceof ArgValue.FileArg x) {
            pathObject(g, x.path(), x.flags(), x.permission());
        } else if (v instanceof ArgValue.PathArg x) {
            pathObject(g, x.path(), x.flags(), x.permission());
        } else if (v instanceof ArgValue.LinuxBinprmArg x) {
            pathObject(g, x.path(), x.flags(), x.permission());
        } else if (v instanceof ArgValue.NetDevArg x) {
            g.writeStartObject();
            string(g, "name", x.name());
            g.writeEndObject();
        } else if (v instanceof ArgValue.BpfAttrArg x) {
            g.writeStartObject();   // Tetragon's proto names these fields in CamelCase, and protojson keeps them
            string(g, "ProgType", x.progType());
            uint(g, "InsnCnt", x.insnCnt());
            string(g, "ProgName", x.progName());
            g.writeEndObject();
        } else if (v instanceof ArgValue.BpfMapArg x) {
            g.writeStartObject();
            string(g, "MapType", x.mapType());
            uint(g, "KeySize", x.keySize());
            uint(g, "ValueSize", x.valueSize());
            uint(g, "MaxEntries", x.maxEntries());
            string(g, "MapName", x.mapName());
            g.writeEndObject();
        } else if (v instanceof ArgValue.UserNsArg x) {
            g.writeStartObject();   // level, uid, gid are wrapper types in Tetragon's proto: written even when 0
            g.writeNumberField("level", x.level());
            g.writeNumberField("uid", x.uid());
            g.writeNumberField("gid", x.gid());
            g.writeObjectFieldStart("ns");
            uint(g, "inum", x.inum());
            if (x.isHost()) {
                g.writeBooleanField("is_host", true);
            }
            g.writeEndObject();
            g.writeEndObject();
        } else if (v instanceof ArgValue.ModuleArg x) {
            g.writeStartObject();
            string(g, "name", x.name());
            if (!x.tainted().isEmpty()) {
                g.writeArrayFieldStart("tainted");
                for (String t : x.tainted()) {
                    g.writeString(t);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } else if (v instanceof ArgValue.SockArg x) {
            writeSock(g, x);
        } else if (v instanceof ArgValue.SkbArg x) {
            writeSkb(g, x);
        } else if (v instanceof ArgValue.SockaddrArg x) {
            g.writeStartObject();
            string(g, "family", x.family());
            string(g, "addr", x.addr());
            uint(g, "port", x.port());
            g.writeEndObject();
        } else if (v instanceof ArgValue.CredArg x) {
            writeCred(g, x);
        } else if (v instanceof ArgValue.CapabilityArg x) {
            g.writeStartObject();
            g.writeFieldName("value"); // Int32Value: written even when 0
            g.writeNumber(x.value());
            string(g, "name", x.name());
            g.writeEndObject();
        } else if (v instanceof ArgValue.CapSetArg x) {
            g.writeString(x.hex());
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
        string(g, "label", a.label());
        g.writeEndObject();
    }

    /** KprobeFile, KprobePath and KprobeLinuxBinprm share path, flags, permission (mount is not sent). */
    private static void pathObject(JsonGenerator g, String path, String flags, String permission) throws IOException {
        g.writeStartObject();
        string(g, "path", path);
        string(g, "flags", flags);
        string(g, "permission", permission);
        g.writeEndObject();
    }

    private static void writeSock(JsonGenerator g, ArgValue.SockArg x) throws IOException {
        g.writeStartObject();
        string(g, "family", x.family());
        string(g, "type", x.type());
        string(g, "protocol", x.protocol());
        uint(g, "mark", x.mark());
        uint(g, "priority", x.priority());
        string(g, "saddr", x.saddr());
        string(g, "daddr", x.daddr());
        uint(g, "sport", x.sport());
        uint(g, "dport", x.dport());
        if (x.cookie() != 0) {
            g.writeFieldName("cookie");
            g.writeString(Long.toUnsignedString(x.cookie()));
        }
        string(g, "state", x.state());
        g.writeEndObject();
    }

    private static void writeSkb(JsonGenerator g, ArgValue.SkbArg x) throws IOException {
        g.writeStartObject();
        string(g, "saddr", x.saddr());
        string(g, "daddr", x.daddr());
        uint(g, "sport", x.sport());
        uint(g, "dport", x.dport());
        uint(g, "proto", x.proto());
        string(g, "protocol", x.protocol());
        string(g, "family", x.family());
        g.writeEndObject();
    }

    /** ProcessCredentials: the ids are UInt32Value wrappers, always written; caps is always set. */
    private static void writeCred(JsonGenerator g, ArgValue.CredArg x) throws IOException {
        g.writeStartObject();
        long[] ids = {x.uid(), x.gid(), x.euid(), x.egid(), x.suid(), x.sgid(), x.fsuid(), x.fsgid()};
        String[] names = {"uid", "gid", "euid", "egid", "suid", "sgid", "fsuid", "fsgid"};
        for (int i = 0; i < ids.length; i++) {
            g.writeFieldName(names[i]);
            g.writeNumber(ids[i]);
        }
        g.writeFieldName("caps");
        g.writeStartObject();
        strings(g, "permitted", x.permitted());
        strings(g, "effective", x.effective());
        strings(g, "inheritable", x.inheritable());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void action(JsonGenerator g, String name, KprobeAction a) throws IOException {
        if (a != KprobeAction.UNKNOWN) {
            g.writeFieldName(name);
            g.writeString(a.protoName());
        }
    }

    private static void string(JsonGenerator g, String name, String v) throws IOException {
        if (!v.isEmpty()) {
            g.writeFieldName(name);
            g.writeString(v);
        }
    }

    private static void uint(JsonGenerator g, String name, long v) throws IOException {
        if (v != 0) {
            g.writeFieldName(name);
            g.writeNumber(v);
        }
    }

    private static void strings(JsonGenerator g, String name, List<String> v) throws IOException {
        if (v.isEmpty()) {
            return;
        }
        g.writeFieldName(name);
        g.writeStartArray();
        for (String s : v) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    /** A Tetragon {@code Process} object, fields in proto order. */
    public void writeProcess(JsonGenerator g, ProcessInfo p) throws IOException {
        if (processJson != null) {
            g.writeRawValue(processJson.json(p));
        } else {
            writeProcessFields(g, p);
        }
    }

    private byte[] processBytes(ProcessInfo p) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        try (JsonGenerator g = newGenerator(buf)) {
            writeProcessFields(g, p);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a ByteArrayOutputStream does not fail
        }
        return buf.toByteArray();
    }

    private void writeProcessFields(JsonGenerator g, ProcessInfo p) throws IOException {
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

    private void writeTimestamp(JsonGenerator g, Instant t) throws IOException {
        byte[] buf = new byte[Rfc3339.MAX_LENGTH];
        int n = timestamps.format(t, buf);
        g.writeRawUTF8String(buf, 0, n); // ASCII digits and punctuation: nothing to escape
    }
}

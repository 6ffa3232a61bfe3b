package io.vigil.exporters.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.EventBody;
import io.vigil.api.ExportLoss;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.ProcessUsdt;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.api.json.Rfc3339;
import io.vigil.exporters.filter.Processes;
import io.vigil.exporters.remote.LossAlarm;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.RecordEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns an event into an Elastic Common Schema document (see exporters/README.md, "Elasticsearch",
 * for the field table). The original Tetragon event is kept, byte for byte as
 * {@link EventJsonWriter} writes it, under {@code vigil}.
 *
 * <p>The document id is the SHA-256 of that Tetragon JSON object (no trailing newline), truncated
 * to its first {@value #ID_BYTES} bytes and written base64url without padding (22 characters): the
 * same event always gets the same id, so a batch sent twice is stored once (bulk {@code create}
 * answers 409 for the second copy).
 *
 * <p>Fields are written in a fixed order and omitted when there is nothing to say, so a document
 * is a pure function of its event (golden tests: EcsEncoderTest). Not thread-safe: one encoder per
 * thread.
 */
public final class EcsEncoder implements RecordEncoder {
    /** The ECS version the field names were checked against. */
    public static final String ECS_VERSION = "8.17.0";
    /** 16 bytes = 128 bits of SHA-256: no accidental collision in any realistic event volume. */
    static final int ID_BYTES = 16;

    /** Actions that stop or punish the process: the event is an alert, not an observation. */
    private static final Set<KprobeAction> ENFORCEMENT = EnumSet.of(
            KprobeAction.SIGKILL, KprobeAction.OVERRIDE, KprobeAction.SIGNAL, KprobeAction.NOTIFYENFORCER);

    private final EventJsonWriter tetragon = new EventJsonWriter();
    private final JsonFactory factory = new JsonFactory();
    private final MessageDigest sha256;

    public EcsEncoder() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public Record encode(Event event) {
        String original = tetragon.toJson(event);
        String id = documentId(original.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream buf = new ByteArrayOutputStream(original.length() * 2 + 512);
        try (JsonGenerator g = factory.createGenerator(buf)) {
            writeDocument(g, event, original);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new Record(id, RecordEncoder.key(event), buf.toByteArray());
    }

    /** base64url(SHA-256(json)[0..16)), no padding. */
    String documentId(byte[] tetragonJson) {
        byte[] digest = sha256.digest(tetragonJson);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, ID_BYTES));
    }

    private void writeDocument(JsonGenerator g, Event e, String original) throws IOException {
        EventBody body = e.body();
        g.writeStartObject();
        if (e.time() != null) {
            g.writeStringField("@timestamp", Rfc3339.format(e.time()));
        }
        g.writeObjectFieldStart("ecs");
        g.writeStringField("version", ECS_VERSION);
        g.writeEndObject();
        writeEvent(g, body);
        if (body instanceof ExportLoss l) {
            g.writeStringField("message", LossAlarm.describe(l));
        }
        if (body instanceof PolicyEvent p) {
            string(g, "message", p.message());
            strings(g, "tags", p.tags());
            if (!p.policyName().isEmpty()) {
                g.writeObjectFieldStart("rule");
                g.writeStringField("name", p.policyName());
                g.writeEndObject();
            }
        } else if (body instanceof ProcessAsset a && !a.policyName().isEmpty()) {
            g.writeObjectFieldStart("rule");
            g.writeStringField("name", a.policyName());
            g.writeEndObject();
        }
        if (!e.nodeName().isEmpty()) {
            g.writeObjectFieldStart("host");
            g.writeStringField("name", e.nodeName());
            g.writeEndObject();
        }
        if (body.process() != null) { // export_loss is about the agent's exporter, not a process
            writeProcess(g, body);
        }
        if (body instanceof PolicyEvent p) {
            writeFile(g, p.args());
            writeNetwork(g, p.args());
        } else if (body instanceof ProcessAsset a) {
            writeAsset(g, a);
        }
        g.writeFieldName("vigil");
        g.writeRawValue(original);
        g.writeEndObject();
    }

    // ---- event.*

    private static void writeEvent(JsonGenerator g, EventBody body) throws IOException {
        if (body instanceof ProcessAsset a) {
            writeAssetEvent(g, a);
            return;
        }
        if (body instanceof ExportLoss l) {
            writeLossEvent(g, l);
            return;
        }
        boolean alert = isEnforcement(body);
        List<String> categories = new ArrayList<>(2);
        List<String> types = new ArrayList<>(2);
        String action;
        String outcome;
        if (body instanceof ProcessExec) {
            categories.add("process");
            types.add("start");
            action = "exec";
            outcome = "success";
        } else if (body instanceof ProcessExit x) {
            categories.add("process");
            types.add("end");
            action = "exit";
            outcome = x.signal().isEmpty() && x.status() == 0 ? "success" : "failure";
        } else {
            PolicyEvent p = (PolicyEvent) body;
            action = policyAction(p);
            outcome = policyOutcome(p);
            if (firstFile(p.args()) != null) {
                categories.add("file");
                types.add("access");
            } else if (firstNet(p.args()) != null) {
                categories.add("network");
                types.add("connection");
            } else {
                categories.add("process");
                types.add("info");
            }
            if (alert) {
                categories.add("intrusion_detection");
                types.add("denied");
            }
        }
        eventObject(g, body, alert, categories, types, action, outcome);
    }

    private static void eventObject(JsonGenerator g, EventBody body, boolean alert, List<String> categories,
                                    List<String> types, String action, String outcome) throws IOException {
        g.writeObjectFieldStart("event");
        g.writeStringField("kind", alert ? "alert" : "event");
        strings(g, "category", categories);
        strings(g, "type", types);
        g.writeStringField("action", action);
        g.writeStringField("outcome", outcome);
        g.writeStringField("module", "vigil");
        g.writeStringField("dataset", "vigil." + body.jsonKey());
        g.writeEndObject();
    }

    /**
     * A model-theft guard decision. TAINT (a process read a protected asset) is an observation:
     * kind event, file/access, success. Every other decision is a policy violation, so an alert
     * in intrusion_detection: type denied and outcome failure when it was stopped
     * ({@link ProcessAsset#enforced()}), type allowed and outcome success when the policy only
     * monitors (the open or the egress went through: the alert a SIEM most needs to see).
     * OPEN_* are file/access, the egress decisions network/connection.
     */
    private static void writeAssetEvent(JsonGenerator g, ProcessAsset a) throws IOException {
        boolean taint = a.event().equals("TAINT");
        boolean file = taint || a.event().startsWith("OPEN_");
        List<String> categories = new ArrayList<>(2);
        List<String> types = new ArrayList<>(2);
        categories.add(file ? "file" : "network");
        types.add(file ? "access" : "connection");
        if (!taint) {
            categories.add("intrusion_detection");
            types.add(a.enforced() ? "denied" : "allowed");
        }
        eventObject(g, a, !taint, categories, types, a.event().toLowerCase(Locale.ROOT),
                a.enforced() ? "failure" : "success");
    }

    /**
     * The agent lost security events on their way to another receiver: an alert (a gap in the record
     * is what an attacker who floods or cuts a SIEM link wants), category host and type info (ECS has
     * no category for the monitoring pipeline itself; host is the machine whose record has the gap),
     * outcome failure. event.reason is the reason code, event.start the start of the interval the
     * losses fall in (@timestamp its end); the exporter and the counts are in the message and, as
     * fields, in vigil.export_loss (stored, not indexed, as all of vigil).
     */
    private static void writeLossEvent(JsonGenerator g, ExportLoss l) throws IOException {
        g.writeObjectFieldStart("event");
        g.writeStringField("kind", "alert");
        strings(g, "category", List.of("host"));
        strings(g, "type", List.of("info"));
        g.writeStringField("action", ExportLoss.JSON_KEY);
        g.writeStringField("outcome", "failure");
        g.writeStringField("module", "vigil");
        g.writeStringField("dataset", "vigil." + ExportLoss.JSON_KEY);
        g.writeStringField("reason", l.reason().json());
        g.writeStringField("start", Rfc3339.format(l.since()));
        g.writeEndObject();
    }

    /**
     * True when a policy hook enforced (at entry or, for kprobes, at return), or the model-theft
     * guard stopped something.
     */
    static boolean isEnforcement(EventBody body) {
        if (body instanceof ProcessAsset a) {
            return a.enforced();
        }
        if (body instanceof ProcessKprobe k) {
            return ENFORCEMENT.contains(k.action()) || ENFORCEMENT.contains(k.returnAction());
        }
        return body instanceof PolicyEvent p && ENFORCEMENT.contains(p.action());
    }

    /** The hooked function: function_name, the tracepoint's subsys/event, the uprobe's symbol, the USDT's provider:name. */
    private static String policyAction(PolicyEvent p) {
        if (p instanceof ProcessKprobe k) {
            return k.functionName();
        } else if (p instanceof ProcessLsm l) {
            return l.functionName();
        } else if (p instanceof ProcessTracepoint t) {
            return t.subsys().isEmpty() ? t.event() : t.subsys() + "/" + t.event();
        } else if (p instanceof ProcessUsdt u) {
            return u.provider() + ":" + u.name();
        } else {
            return ((ProcessUprobe) p).symbol();
        }
    }

    /**
     * failure when the hook made the call fail (Override) or killed the caller (Sigkill), or when
     * the kprobe's return value is a negative errno; success for a return value >= 0; otherwise
     * unknown (the event was seen before the call completed).
     */
    private static String policyOutcome(PolicyEvent p) {
        if (p.action() == KprobeAction.OVERRIDE || p.action() == KprobeAction.SIGKILL) {
            return "failure";
        }
        if (p instanceof ProcessKprobe k && k.returnArg() != null) {
            ArgValue r = k.returnArg().value();
            if (r instanceof ArgValue.IntArg i) {
                return i.value() < 0 ? "failure" : "success";
            }
            if (r instanceof ArgValue.LongArg l) {
                return l.value() < 0 ? "failure" : "success";
            }
        }
        return "unknown";
    }

    // ---- process.*

    private static void writeProcess(JsonGenerator g, EventBody body) throws IOException {
        ProcessInfo process = body.process();
        ProcessInfo parent = Processes.parent(body);
        g.writeObjectFieldStart("process");
        processFields(g, process);
        if (body instanceof ProcessExit x) {
            if (x.time() != null) {
                g.writeStringField("end", Rfc3339.format(x.time()));
            }
            g.writeNumberField("exit_code", x.status());
        }
        if (parent != null) {
            g.writeObjectFieldStart("parent");
            processFields(g, parent);
            g.writeEndObject();
        } else if (!process.parentExecId().isEmpty()) {
            g.writeObjectFieldStart("parent");
            g.writeStringField("entity_id", process.parentExecId());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void processFields(JsonGenerator g, ProcessInfo p) throws IOException {
        string(g, "entity_id", p.execId());
        if (p.pid() != ProcessInfo.ABSENT) {
            g.writeNumberField("pid", p.pid());
        }
        if (!p.binary().isEmpty()) {
            g.writeStringField("executable", p.binary());
            g.writeStringField("name", basename(p.binary()));
        }
        if (!p.binary().isEmpty() || !p.arguments().isEmpty()) {
            strings(g, "args", args(p));
            g.writeStringField("command_line",
                    p.arguments().isEmpty() ? p.binary() : p.binary() + " " + p.arguments());
        }
        string(g, "working_directory", p.cwd());
        if (p.startTime() != null) {
            g.writeStringField("start", Rfc3339.format(p.startTime()));
        }
        if (p.uid() != ProcessInfo.ABSENT) {
            g.writeObjectFieldStart("user");
            g.writeStringField("id", Long.toString(p.uid())); // ECS user.id is a keyword
            g.writeEndObject();
        }
        if (p.tid() != ProcessInfo.ABSENT) {
            g.writeObjectFieldStart("thread");
            g.writeNumberField("id", p.tid());
            g.writeEndObject();
        }
    }

    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /**
     * ECS process.args: the executable, then the arguments. Tetragon sends the arguments as one
     * string joined by spaces, so an argument that itself contains a space is split in two here;
     * process.command_line and vigil.*.process.arguments keep the exact string.
     */
    static List<String> args(ProcessInfo p) {
        List<String> out = new ArrayList<>();
        if (!p.binary().isEmpty()) {
            out.add(p.binary());
        }
        for (String a : p.arguments().split(" ")) {
            if (!a.isEmpty()) {
                out.add(a);
            }
        }
        return out;
    }

    // ---- file.*, destination.*, source.*, network.*

    private static String firstFile(List<KprobeArgument> args) {
        for (KprobeArgument a : args) {
            ArgValue v = a.value();
            if (v instanceof ArgValue.FileArg f && !f.path().isEmpty()) {
                return f.path();
            } else if (v instanceof ArgValue.PathArg f && !f.path().isEmpty()) {
                return f.path();
            } else if (v instanceof ArgValue.LinuxBinprmArg f && !f.path().isEmpty()) {
                return f.path();
            }
        }
        return null;
    }

    private static ArgValue firstNet(List<KprobeArgument> args) {
        for (KprobeArgument a : args) {
            ArgValue v = a.value();
            if (v instanceof ArgValue.SockArg || v instanceof ArgValue.SockaddrArg || v instanceof ArgValue.SkbArg) {
                return v;
            }
        }
        return null;
    }

    private static void writeFile(JsonGenerator g, List<KprobeArgument> args) throws IOException {
        String path = firstFile(args);
        if (path != null) {
            g.writeObjectFieldStart("file");
            g.writeStringField("path", path);
            g.writeEndObject();
        }
    }

    private static void writeNetwork(JsonGenerator g, List<KprobeArgument> args) throws IOException {
        ArgValue v = firstNet(args);
        if (v instanceof ArgValue.SockArg s) {
            endpoint(g, "source", s.saddr(), s.sport());
            endpoint(g, "destination", s.daddr(), s.dport());
            network(g, s.protocol(), s.family());
        } else if (v instanceof ArgValue.SkbArg s) {
            endpoint(g, "source", s.saddr(), s.sport());
            endpoint(g, "destination", s.daddr(), s.dport());
            network(g, s.protocol(), s.family());
        } else if (v instanceof ArgValue.SockaddrArg s) {
            endpoint(g, "destination", s.addr(), s.port());
            network(g, "", s.family());
        }
    }

    /**
     * The asset as file.path/inode/device (ECS keeps inode and device as keywords, so they are
     * written as decimal strings), the destination as destination.ip/port/domain (the first DNS
     * name; all of them in related.hosts), the bytes the process had sent as source.bytes (the
     * process is the source; ECS network.bytes would be both directions, which the guard does not
     * count), network.transport (TCP -> tcp; a protocol number goes to network.iana_number) and
     * network.type from the address.
     */
    private static void writeAsset(JsonGenerator g, ProcessAsset a) throws IOException {
        ProcessAsset.Asset f = a.asset();
        if (f != null) {
            g.writeObjectFieldStart("file");
            string(g, "path", f.path());
            if (!f.path().isEmpty()) {
                g.writeStringField("name", basename(f.path()));
            }
            g.writeStringField("inode", Long.toUnsignedString(f.inode()));
            g.writeStringField("device", Long.toUnsignedString(f.dev()));
            g.writeEndObject();
        }
        if (a.bytesSent() > 0) {
            g.writeObjectFieldStart("source");
            g.writeNumberField("bytes", a.bytesSent());
            g.writeEndObject();
        }
        ProcessAsset.Destination d = a.destination();
        if (d == null) {
            return;
        }
        String address = d.address() == null ? "" : d.address();
        g.writeObjectFieldStart("destination");
        string(g, "ip", address);
        if (d.port() != 0) {
            g.writeNumberField("port", d.port());
        }
        if (!d.names().isEmpty()) {
            g.writeStringField("domain", d.names().get(0));
        }
        g.writeEndObject();
        String protocol = d.protocol() == null ? "" : d.protocol();
        boolean number = !protocol.isEmpty() && protocol.chars().allMatch(Character::isDigit);
        String type = address.isEmpty() ? "" : address.indexOf(':') >= 0 ? "ipv6" : "ipv4";
        if (!protocol.isEmpty() || !type.isEmpty()) {
            g.writeObjectFieldStart("network");
            if (number) {
                g.writeStringField("iana_number", protocol);
            } else {
                string(g, "transport", protocol.toLowerCase(Locale.ROOT));
            }
            string(g, "type", type);
            g.writeEndObject();
        }
        if (!d.names().isEmpty()) {
            g.writeObjectFieldStart("related");
            strings(g, "hosts", d.names());
            g.writeEndObject();
        }
    }

    private static void endpoint(JsonGenerator g, String name, String ip, long port) throws IOException {
        if (ip.isEmpty() && port == 0) {
            return;
        }
        g.writeObjectFieldStart(name);
        string(g, "ip", ip);
        if (port != 0) {
            g.writeNumberField("port", port);
        }
        g.writeEndObject();
    }

    /** network.transport from IPPROTO_TCP/UDP/ICMP..., network.type from AF_INET/AF_INET6. */
    private static void network(JsonGenerator g, String protocol, String family) throws IOException {
        String transport = protocol.startsWith("IPPROTO_") ? protocol.substring(8).toLowerCase(java.util.Locale.ROOT) : "";
        String type = switch (family) {
            case "AF_INET" -> "ipv4";
            case "AF_INET6" -> "ipv6";
            default -> "";
        };
        if (transport.isEmpty() && type.isEmpty()) {
            return;
        }
        g.writeObjectFieldStart("network");
        string(g, "transport", transport);
        string(g, "type", type);
        g.writeEndObject();
    }

    // ---- helpers

    private static void string(JsonGenerator g, String name, String v) throws IOException {
        if (!v.isEmpty()) {
            g.writeStringField(name, v);
        }
    }

    private static void strings(JsonGenerator g, String name, List<String> v) throws IOException {
        if (v.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (String s : v) {
            g.writeString(s);
        }
        g.writeEndArray();
    }
}

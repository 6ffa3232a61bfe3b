package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
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
import io.vigil.api.json.EventJsonWriter;
import io.vigil.exporters.remote.Record;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: one event of each type in, the exact ECS document out. The expected documents
 * (src/test/resources/ecs/*.json) are pretty-printed for reading; they are compared byte for byte
 * after re-serialising them compactly, so field order and omissions count.
 */
class EcsEncoderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2024-04-14T02:18:14.376304204Z");
    private static final Instant START = Instant.parse("2024-04-14T02:18:02.240856427Z");
    private static final Instant PARENT_START = Instant.parse("2024-04-14T02:17:46.240638141Z");

    private final EcsEncoder encoder = new EcsEncoder();

    static ProcessInfo vi() {
        return ProcessInfo.builder().execId("dmk6NjQ3NDY=").pid(64746).uid(1000).cwd("/home/u").binary("/bin/vi")
                .arguments("/etc/passwd -R").flags("execve clone").startTime(START).auid(1000)
                .parentExecId("c2g6NjQ2MTU=").refcnt(1).tid(64746).build();
    }

    static ProcessInfo sh() {
        return ProcessInfo.builder().execId("c2g6NjQ2MTU=").pid(64615).uid(0).cwd("/").binary("/bin/sh")
                .flags("execve rootcwd clone").startTime(PARENT_START).auid(4294967295L).tid(64615).build();
    }

    static Event exec() {
        return new Event("node-a", TIME, new ProcessExec(vi(), sh()));
    }

    static Event exitBySignal() {
        return new Event("node-a", TIME, new ProcessExit(vi(), sh(), "SIGKILL", 0, TIME));
    }

    static Event kprobeFileSigkill() {
        return new Event("node-a", TIME, new ProcessKprobe(vi(), sh(), "security_file_permission",
                List.of(KprobeArgument.of(new ArgValue.FileArg("/etc/passwd", "", "-rw-r--r--")),
                        KprobeArgument.of(new ArgValue.IntArg(2))),
                null, KprobeAction.SIGKILL, "file-monitoring", KprobeAction.UNKNOWN, "passwd written",
                List.of("observability.filesystem")));
    }

    static Event kprobeConnectPost() {
        return new Event("node-a", TIME, new ProcessKprobe(vi(), sh(), "tcp_connect",
                List.of(KprobeArgument.of(new ArgValue.SockArg("AF_INET", "SOCK_STREAM", "IPPROTO_TCP", 0, 0,
                        "10.0.0.2", "93.184.216.34", 40312, 443, 0, "TCP_SYN_SENT"))),
                KprobeArgument.of(new ArgValue.IntArg(0)), KprobeAction.POST, "connect", KprobeAction.POST, "",
                List.of()));
    }

    static Event tracepointOverride() {
        return new Event("node-a", TIME, new ProcessTracepoint(vi(), null, "syscalls", "sys_enter_unlinkat",
                List.of(KprobeArgument.of(new ArgValue.StringArg("/var/log/audit.log"))), "no-unlink",
                KprobeAction.OVERRIDE, "", List.of()));
    }

    static Event lsmNotifyEnforcer() {
        return new Event("node-a", TIME, new ProcessLsm(vi(), sh(), "bprm_check_security", "deny-nc", "nc blocked",
                List.of(KprobeArgument.of(ArgValue.LinuxBinprmArg.of("/usr/bin/nc"))), KprobeAction.NOTIFYENFORCER,
                List.of("enforce", "network")));
    }

    static Event uprobe() {
        return new Event("node-a", TIME, new ProcessUprobe(vi(), sh(), "/usr/lib/libssl.so.3", "SSL_write",
                "ssl-watch", "", List.of(), KprobeAction.UNKNOWN, List.of()));
    }

    static Event assetConnectDenied() {
        return new Event("node-a", TIME, new ProcessAsset(vi(), sh(), "protect-llama", "CONNECT_DENIED", "DENY",
                new ProcessAsset.Asset("/models/llama.safetensors", 2051, 131),
                new ProcessAsset.Destination("10.251.61.2", 7302, "TCP", List.of("exfil.example.net")), 4096, 0));
    }

    static Event assetTaint() {
        return new Event("node-a", TIME, new ProcessAsset(vi(), sh(), "protect-llama", "TAINT", "DENY",
                new ProcessAsset.Asset("/models/llama.safetensors", 2051, 131), null, 0, 0));
    }

    static ProcessAsset asset(String event, String action) {
        return new ProcessAsset(vi(), null, "p", event, action, new ProcessAsset.Asset("/m/w.gguf", 1, 2),
                event.equals("TAINT") || event.startsWith("OPEN_") ? null
                        : new ProcessAsset.Destination("10.0.0.9", 443, "TCP", List.of()), 10, 0);
    }

    @Test
    void processExec() throws IOException {
        assertGolden("process_exec.json", exec());
    }

    @Test
    void processExitKilledBySignal() throws IOException {
        assertGolden("process_exit.json", exitBySignal());
    }

    @Test
    void kprobeFileArgWithSigkillIsAnAlert() throws IOException {
        assertGolden("process_kprobe_file_sigkill.json", kprobeFileSigkill());
    }

    @Test
    void kprobeSockArgMapsDestinationSourceAndNetwork() throws IOException {
        assertGolden("process_kprobe_connect.json", kprobeConnectPost());
    }

    @Test
    void tracepointWithOverrideAndNoParent() throws IOException {
        assertGolden("process_tracepoint_override.json", tracepointOverride());
    }

    @Test
    void lsmNotifyEnforcerIsAnAlert() throws IOException {
        assertGolden("process_lsm_notify.json", lsmNotifyEnforcer());
    }

    @Test
    void uprobeWithoutArgs() throws IOException {
        assertGolden("process_uprobe.json", uprobe());
    }

    @Test
    void assetConnectDeniedIsANetworkAlertWithFileAndDestination() throws IOException {
        assertGolden("process_asset_connect_denied.json", assetConnectDenied());
    }

    @Test
    void assetTaintIsAFileAccessEvent() throws IOException {
        assertGolden("process_asset_taint.json", assetTaint());
    }

    /** Every decision: kind, category, type, outcome (the table in exporters/README.md). */
    @Test
    void assetDecisionsAreCategorised() throws IOException {
        String[][] rows = {
            // event, action, kind, categories, types, outcome
            {"TAINT", "DENY", "event", "[\"file\"]", "[\"access\"]", "success"},
            {"OPEN_DENIED", "DENY", "alert", "[\"file\",\"intrusion_detection\"]", "[\"access\",\"denied\"]", "failure"},
            {"OPEN_MONITORED", "MONITOR", "alert", "[\"file\",\"intrusion_detection\"]", "[\"access\",\"allowed\"]", "success"},
            {"CONNECT_DENIED", "DENY", "alert", "[\"network\",\"intrusion_detection\"]", "[\"connection\",\"denied\"]", "failure"},
            {"SEND_DENIED", "DENY", "alert", "[\"network\",\"intrusion_detection\"]", "[\"connection\",\"denied\"]", "failure"},
            {"EGRESS_MONITORED", "MONITOR", "alert", "[\"network\",\"intrusion_detection\"]", "[\"connection\",\"allowed\"]", "success"},
            {"BUDGET_EXCEEDED", "MONITOR", "alert", "[\"network\",\"intrusion_detection\"]", "[\"connection\",\"allowed\"]", "success"},
            {"BUDGET_EXCEEDED", "DENY", "alert", "[\"network\",\"intrusion_detection\"]", "[\"connection\",\"denied\"]", "failure"},
            {"KILLED", "KILL", "alert", "[\"network\",\"intrusion_detection\"]", "[\"connection\",\"denied\"]", "failure"},
        };
        for (String[] r : rows) {
            JsonNode ev = MAPPER.readTree(encoder.encode(new Event("n", TIME, asset(r[0], r[1]))).payload()).get("event");
            String what = r[0] + "/" + r[1];
            assertEquals(r[2], ev.get("kind").asText(), what);
            assertEquals(r[3], ev.get("category").toString(), what);
            assertEquals(r[4], ev.get("type").toString(), what);
            assertEquals(r[5], ev.get("outcome").asText(), what);
            assertEquals(r[0].toLowerCase(java.util.Locale.ROOT), ev.get("action").asText(), what);
            assertEquals("vigil.process_asset", ev.get("dataset").asText(), what);
        }
    }

    @Test
    void assetIpv6BudgetNamesAndProtocolNumber() throws IOException {
        Event over = new Event("n", TIME, new ProcessAsset(vi(), null, "p", "BUDGET_EXCEEDED", "MONITOR", null,
                new ProcessAsset.Destination("fd00::2", 443, "TCP", List.of("api.example.com", "cdn.example.com")),
                1048577, 1048576));
        JsonNode doc = MAPPER.readTree(encoder.encode(over).payload());
        assertEquals("fd00::2", doc.at("/destination/ip").asText());
        assertEquals("api.example.com", doc.at("/destination/domain").asText(), "ECS domain is one name: the first");
        assertEquals("[\"api.example.com\",\"cdn.example.com\"]", doc.at("/related/hosts").toString());
        assertEquals("ipv6", doc.at("/network/type").asText());
        assertEquals("tcp", doc.at("/network/transport").asText());
        assertEquals(1048577, doc.at("/source/bytes").asLong());
        assertTrue(doc.at("/file").isMissingNode(), "no asset known: no file.*");
        assertEquals(1048576, doc.at("/vigil/process_asset/budget").asLong(), "the budget stays in vigil.*");

        Event sctp = new Event("n", TIME, new ProcessAsset(vi(), null, "p", "SEND_DENIED", "DENY",
                new ProcessAsset.Asset("", 7, 8), new ProcessAsset.Destination("10.0.0.9", 0, "132", List.of()), 0, 0));
        JsonNode d = MAPPER.readTree(encoder.encode(sctp).payload());
        assertEquals("132", d.at("/network/iana_number").asText(), "a protocol number is network.iana_number");
        assertTrue(d.at("/network/transport").isMissingNode());
        assertTrue(d.at("/destination/port").isMissingNode(), "port 0 left out");
        assertTrue(d.at("/source").isMissingNode(), "nothing sent: no source.bytes");
        assertEquals("{\"inode\":\"8\",\"device\":\"7\"}", d.get("file").toString(), "path unknown: identity only");
        assertEquals("p", d.at("/rule/name").asText());
    }

    @Test
    void everyAssetFieldWrittenIsMapped() throws IOException {
        JsonNode mappings;
        try (InputStream in = EcsEncoder.class.getResourceAsStream("ecs-mappings.json")) {
            mappings = MAPPER.readTree(in);
        }
        for (Event e : List.of(assetConnectDenied(), assetTaint())) {
            JsonNode doc = MAPPER.readTree(encoder.encode(e).payload());
            assertMapped(mappings.get("properties"), doc, "");
        }
    }

    private static void assertMapped(JsonNode props, JsonNode doc, String path) {
        for (var it = doc.fields(); it.hasNext(); ) {
            var f = it.next();
            String p = path + f.getKey();
            JsonNode m = props.get(f.getKey());
            assertTrue(m != null, "not in ecs-mappings.json: " + p);
            if (f.getValue().isObject() && m.has("properties")) {
                assertMapped(m.get("properties"), f.getValue(), p + ".");
            }
        }
    }

    static Event exportLoss() {
        return new Event("node-a", TIME, new ExportLoss("kafka", ExportLoss.Reason.SPOOL_FULL, 12, 40,
                Instant.parse("2024-04-14T02:18:04Z")));
    }

    @Test
    void exportLossIsAHostAlertWithoutAProcess() throws IOException {
        assertGolden("export_loss.json", exportLoss());
    }

    @Test
    void everyExportLossFieldWrittenIsMapped() throws IOException {
        JsonNode mappings;
        try (InputStream in = EcsEncoder.class.getResourceAsStream("ecs-mappings.json")) {
            mappings = MAPPER.readTree(in);
        }
        assertMapped(mappings.get("properties"), MAPPER.readTree(encoder.encode(exportLoss()).payload()), "");
    }

    @Test
    void anExportLossIsKeyedByItsExporter() {
        assertEquals("export_loss:kafka", encoder.encode(exportLoss()).key());
    }

    @Test
    void idIsTruncatedSha256OfTheTetragonJsonBase64url() throws Exception {
        Event e = kprobeFileSigkill();
        byte[] json = EventJsonWriter.uncached().toJson(e).getBytes(StandardCharsets.UTF_8);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        Record r = encoder.encode(e);
        assertEquals(expected, r.id());
        assertEquals(22, r.id().length());
        assertEquals("dmk6NjQ3NDY=", r.key(), "key: the process's exec_id");
    }

    @Test
    void sameEventSameIdAndBytesAcrossEncoders() {
        Record a = encoder.encode(exec());
        Record b = new EcsEncoder().encode(exec());
        assertEquals(a.id(), b.id());
        assertEquals(new String(a.payload(), StandardCharsets.UTF_8), new String(b.payload(), StandardCharsets.UTF_8));
    }

    @Test
    void eventsDifferingOnlyInTimeGetDifferentIds() {
        Event later = new Event("node-a", TIME.plusNanos(1), exec().body());
        assertNotEquals(encoder.encode(exec()).id(), encoder.encode(later).id());
    }

    @Test
    void vigilHoldsTheTetragonEventVerbatim() throws IOException {
        Event e = kprobeConnectPost();
        JsonNode doc = MAPPER.readTree(encoder.encode(e).payload());
        assertEquals(MAPPER.readTree(EventJsonWriter.uncached().toJson(e)), doc.get("vigil"));
    }

    @Test
    void kprobeReturnActionEnforcementAlsoMakesAnAlert() throws IOException {
        Event e = new Event("n", TIME, new ProcessKprobe(vi(), null, "fd_install", List.of(), null,
                KprobeAction.POST, "p", KprobeAction.OVERRIDE, "", List.of()));
        JsonNode doc = MAPPER.readTree(encoder.encode(e).payload());
        assertEquals("alert", doc.at("/event/kind").asText());
        assertTrue(doc.at("/event/category").toString().contains("intrusion_detection"));
    }

    @Test
    void negativeReturnValueIsFailure() throws IOException {
        Event e = new Event("n", TIME, new ProcessKprobe(vi(), null, "do_sys_openat2", List.of(),
                KprobeArgument.of(new ArgValue.IntArg(-13)), KprobeAction.POST, "p", KprobeAction.UNKNOWN, "",
                List.of()));
        JsonNode doc = MAPPER.readTree(encoder.encode(e).payload());
        assertEquals("event", doc.at("/event/kind").asText());
        assertEquals("failure", doc.at("/event/outcome").asText());
    }

    private void assertGolden(String name, Event e) throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/ecs/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file ecs/" + name + "; the encoder gave:\n"
                        + new String(encoder.encode(e).payload(), StandardCharsets.UTF_8));
            }
            expected = MAPPER.writeValueAsString(MAPPER.readTree(in));
        }
        assertEquals(expected, new String(encoder.encode(e).payload(), StandardCharsets.UTF_8));
    }
}

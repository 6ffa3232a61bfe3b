package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.SendException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ElasticsearchSender against a real node, the checks every supported release must pass: 10,000
 * events give exactly 10,000 ECS documents and a resend adds none, the template, a mapping error is
 * fatal, process_asset fields are searchable. Each subclass starts one release's node
 * ({@link ElasticsearchRealServerTest}: 8.19, {@link Elasticsearch9ServerTest}: 9.x); each test
 * writes its own data stream.
 */
@Tag("elasticsearch")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RealServerChecks {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final int EVENTS = 10_000;
    private static final int BATCH = 500;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    ElasticsearchServer es; // null when testing an external node
    URI url;

    /** Starts the node, setting {@link #es}, or names an external one; returns its URL. */
    abstract URI startNode() throws Exception;

    @BeforeAll
    void start() throws Exception {
        url = startNode();
    }

    @AfterAll
    void stop() throws Exception {
        if (es != null) {
            es.close();
        }
    }

    /** 10,000 distinct events: every 10th a Sigkill kprobe on a file (an alert), the rest execs. */
    static List<Record> records(int n) {
        EcsEncoder enc = new EcsEncoder();
        List<Record> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ProcessInfo p = ProcessInfo.builder().execId("exec-" + i).pid(10_000 + i).uid(1000).cwd("/tmp")
                    .binary("/usr/bin/cat").arguments("/etc/hosts " + i).startTime(T0).tid(10_000 + i).build();
            ProcessInfo parent = ProcessInfo.builder().execId("parent").pid(1).binary("/sbin/init").build();
            Event e = i % 10 == 0
                    ? new Event("node-it", T0.plusNanos(i), new ProcessKprobe(p, parent, "security_file_open",
                            List.of(KprobeArgument.of(ArgValue.FileArg.of("/etc/shadow"))), null, KprobeAction.SIGKILL,
                            "shadow-guard", KprobeAction.UNKNOWN, "", List.of("it")))
                    : new Event("node-it", T0.plusNanos(i), new ProcessExec(p, parent));
            out.add(enc.encode(e));
        }
        return out;
    }

    static void sendAll(ElasticsearchSender s, List<Record> records) throws SendException {
        for (int i = 0; i < records.size(); i += BATCH) {
            s.send(records.subList(i, Math.min(records.size(), i + BATCH)));
        }
    }

    @Test
    @Order(1)
    void tenThousandEventsGiveTenThousandEcsDocumentsAndASecondSendAddsNone() throws Exception {
        String ds = "logs-vigil-it";
        List<Record> records = records(EVENTS);
        try (ElasticsearchSender s = new ElasticsearchSender(ElasticsearchOptions.of(url).withDataStream(ds))) {
            sendAll(s, records);
            assertEquals(EVENTS, count(ds, null));

            sendAll(s, records); // every create answers 409: already stored
            assertEquals(EVENTS, count(ds, null), "ids deduplicate a resent batch");
        }
        assertEquals(EVENTS / 10, count(ds, "event.kind:alert"));
        assertEquals(EVENTS / 10, count(ds, "rule.name:shadow-guard AND file.path:\"/etc/shadow\""));
        assertEquals(EVENTS - EVENTS / 10, count(ds, "event.type:start AND event.category:process"));

        JsonNode hit = search(ds, "process.pid:10042");
        assertTrue(hit.get("_index").asText().startsWith(".ds-" + ds + "-"), "written to a data stream's backing index: "
                + hit.get("_index"));
        assertEquals(records.get(42).id(), hit.get("_id").asText());
        JsonNode doc = hit.get("_source");
        assertEquals("2026-12-05T10:00:00.000000042Z", doc.get("@timestamp").asText());
        assertEquals("event", doc.at("/event/kind").asText());
        assertEquals("cat", doc.at("/process/name").asText());
        assertEquals("1000", doc.at("/process/user/id").asText());
        assertEquals("node-it", doc.at("/host/name").asText());
        assertEquals(1, doc.at("/process/parent/pid").asInt());
        assertEquals("/etc/hosts 42", doc.at("/vigil/process_exec/process/arguments").asText());
    }

    @Test
    @Order(2)
    void templateIsInstalledWithDataStreamAndPriorityAndIsIdempotent() throws Exception {
        String ds = "logs-vigil-template";
        try (ElasticsearchSender s = new ElasticsearchSender(ElasticsearchOptions.of(url).withDataStream(ds))) {
            s.installTemplate();
            s.installTemplate(); // PUT again: same template, no error
            s.send(records(3));
        }
        JsonNode t = get("/_index_template/" + ElasticsearchSender.templateName(ds)).at("/index_templates/0/index_template");
        assertEquals(ds, t.at("/index_patterns/0").asText());
        assertEquals(ElasticsearchSender.TEMPLATE_PRIORITY, t.get("priority").asInt());
        assertTrue(t.has("data_stream"), t.toString());
        JsonNode m = get("/" + ds + "/_mapping");
        String mapping = m.toString();
        assertTrue(mapping.contains("\"@timestamp\":{\"type\":\"date_nanos\"}"), mapping);
        assertTrue(mapping.contains("\"vigil\":{\"type\":\"object\",\"enabled\":false}"), mapping);
        assertEquals(3, count(ds, null));
    }

    @Test
    @Order(3)
    void aDocumentTheMappingRejectsIsFatalAndTheRestOfTheBatchIsStored() throws Exception {
        String ds = "logs-vigil-mapping";
        Record bad = new Record("bad-1", "", "{\"@timestamp\":\"2026-12-05T10:00:00Z\",\"process\":{\"pid\":\"not-a-pid\"}}"
                .getBytes(StandardCharsets.UTF_8));
        List<Record> batch = new ArrayList<>(records(4));
        batch.add(2, bad);
        try (ElasticsearchSender s = new ElasticsearchSender(ElasticsearchOptions.of(url).withDataStream(ds))) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(batch));
            assertTrue(e.getMessage().contains("bad-1"), e.getMessage());
            assertTrue(e.getMessage().contains("parsing_exception"), e.getMessage());
            assertTrue(e.getMessage().contains("1 of 5"), e.getMessage());
        }
        assertEquals(4, count(ds, null));
    }

    /** The model-theft guard's decisions are stored and their ECS fields (ip, keyword, long) searchable. */
    @Test
    @Order(4)
    void processAssetDocumentsAreIndexedAndSearchable() throws Exception {
        String ds = "logs-vigil-asset";
        ProcessInfo p = ProcessInfo.builder().execId("exec-py").pid(4242).uid(1000).binary("/usr/bin/python3")
                .arguments("upload.py").startTime(T0).build();
        ProcessAsset.Asset llama = new ProcessAsset.Asset("/models/llama.safetensors", 2051, 131);
        EcsEncoder enc = new EcsEncoder();
        List<Record> records = List.of(
                enc.encode(new Event("node-it", T0, new ProcessAsset(p, null, "protect-llama", "TAINT", "DENY", llama,
                        null, 0, 0))),
                enc.encode(new Event("node-it", T0.plusNanos(1), new ProcessAsset(p, null, "protect-llama",
                        "CONNECT_DENIED", "DENY", llama, new ProcessAsset.Destination("10.251.61.2", 7302, "TCP",
                                List.of()), 4096, 0))),
                enc.encode(new Event("node-it", T0.plusNanos(2), new ProcessAsset(p, null, "protect-llama",
                        "BUDGET_EXCEEDED", "MONITOR", llama, new ProcessAsset.Destination("fd00::2", 443, "TCP",
                                List.of("api.example.com")), 1048577, 1048576))));
        try (ElasticsearchSender s = new ElasticsearchSender(ElasticsearchOptions.of(url).withDataStream(ds))) {
            s.send(records);
        }
        assertEquals(3, count(ds, "rule.name:protect-llama AND file.inode:131 AND file.device:2051"));
        assertEquals(2, count(ds, "event.kind:alert AND event.category:intrusion_detection"));
        assertEquals(1, count(ds, "event.kind:event AND event.action:taint AND event.category:file"));
        JsonNode denied = search(ds, "event.type:denied AND destination.ip:\"10.251.0.0/16\"");
        assertEquals("connect_denied", denied.at("/_source/event/action").asText());
        JsonNode over = search(ds, "destination.ip:\"fd00::2\" AND destination.domain:api.example.com"
                + " AND source.bytes:>1048576 AND network.type:ipv6 AND related.hosts:api.example.com");
        assertEquals("allowed", over.at("/_source/event/type/1").asText());
        assertEquals(1048576, over.at("/_source/vigil/process_asset/budget").asLong());
    }

    // ---- checks through plain HTTP, independent of the sender

    long count(String ds, String query) throws Exception {
        send("POST", "/" + ds + "/_refresh");
        String path = "/" + ds + "/_count" + (query == null ? "" : "?q=" + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8));
        return get(path).get("count").asLong();
    }

    JsonNode search(String ds, String query) throws Exception {
        send("POST", "/" + ds + "/_refresh");
        JsonNode r = get("/" + ds + "/_search?q=" + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8));
        assertEquals(1, r.at("/hits/total/value").asInt(), r.toString());
        return r.at("/hits/hits/0");
    }

    JsonNode get(String path) throws Exception {
        return MAPPER.readTree(send("GET", path));
    }

    String send(String method, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
        return r.body();
    }
}

package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.SendException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ElasticsearchSender against a FAKE bulk endpoint (com.sun.net.httpserver), for what the real
 * node of ElasticsearchRealServerTest cannot show: its jars have no x-pack, so no security (401,
 * 403), and it cannot be made to answer 429 or 503 on demand. The fake answers with the status
 * lines and JSON bodies Elasticsearch sends (and its X-Elastic-Product header, which the client
 * checks), and records what it was sent.
 */
class ElasticsearchSenderErrorsTest {
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private volatile int templateStatus = 200;
    private volatile int bulkStatus = 200;
    private volatile String bulkBody = "";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(x.getRequestMethod() + " " + x.getRequestURI().getPath() + "\n" + body);
        authHeaders.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
        boolean template = x.getRequestURI().getPath().startsWith("/_index_template/");
        int status = template ? templateStatus : bulkStatus;
        String answer = template
                ? (status == 200 ? "{\"acknowledged\":true}" : error(status))
                : (status == 200 ? bulkBody : error(status));
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private static String error(int status) {
        String type = switch (status) {
            case 401, 403 -> "security_exception";
            case 429 -> "es_rejected_execution_exception";
            default -> "unavailable_shards_exception";
        };
        return "{\"error\":{\"root_cause\":[{\"type\":\"" + type + "\",\"reason\":\"fake " + status + "\"}],\"type\":\""
                + type + "\",\"reason\":\"fake " + status + "\"},\"status\":" + status + "}";
    }

    private static String item(String id, int status, String errorType) {
        String common = "\"_index\":\".ds-logs-vigil-default-2026.12.05-000001\",\"_id\":\"" + id + "\",\"status\":"
                + status;
        if (errorType == null) {
            return "{\"create\":{" + common + ",\"result\":\"created\",\"_version\":1,\"_seq_no\":0,"
                    + "\"_primary_term\":1,\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0}}}";
        }
        return "{\"create\":{" + common + ",\"error\":{\"type\":\"" + errorType + "\",\"reason\":\"fake "
                + errorType + "\"}}}";
    }

    private static String bulk(String... items) {
        boolean errors = false;
        for (String i : items) {
            errors |= i.contains("\"error\"");
        }
        return "{\"errors\":" + errors + ",\"took\":1,\"items\":[" + String.join(",", items) + "]}";
    }

    private ElasticsearchOptions options() {
        return ElasticsearchOptions.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private static List<Record> two() {
        return List.of(new Record("id-a", "k", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                new Record("id-b", "k", "{\"b\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void putsTheTemplateOnceThenBulkCreatesWithTheRecordIdsAndTheirBytesVerbatim() throws Exception {
        bulkBody = bulk(item("id-a", 201, null), item("id-b", 201, null));
        try (ElasticsearchSender s = new ElasticsearchSender(options())) {
            s.send(two());
            s.send(two());
        }
        assertEquals(3, requests.size(), requests.toString());
        assertTrue(requests.get(0).startsWith("PUT /_index_template/vigil-logs-vigil-default\n"), requests.get(0));
        assertTrue(requests.get(0).contains("\"data_stream\":{}"), requests.get(0));
        assertEquals("POST /logs-vigil-default/_bulk\n"
                + "{\"create\":{\"_id\":\"id-a\"}}\n{\"a\":1}\n"
                + "{\"create\":{\"_id\":\"id-b\"}}\n{\"b\":\"\u00e9\"}\n", requests.get(1));
        assertEquals("null", authHeaders.get(1), "no credentials configured, none sent");
    }

    @Test
    void conflictOnCreateIsAlreadyStoredNotAnError() throws Exception {
        bulkBody = bulk(item("id-a", 409, "version_conflict_engine_exception"), item("id-b", 201, null));
        try (ElasticsearchSender s = new ElasticsearchSender(options())) {
            s.send(two()); // no exception
        }
    }

    @Test
    void unauthorizedIsFatalAndSaysWhatToCheck() {
        bulkStatus = 401;
        try (ElasticsearchSender s = new ElasticsearchSender(options().withInstallTemplate(false))) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(two()));
            assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
            assertTrue(e.getMessage().contains("check the API key or username/password"), e.getMessage());
        }
    }

    @Test
    void forbiddenTemplateIsFatalBeforeAnyBulk() {
        templateStatus = 403;
        try (ElasticsearchSender s = new ElasticsearchSender(options())) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(two()));
            assertTrue(e.getMessage().contains("index template"), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
        }
        assertEquals(1, requests.size(), "no bulk after the template failed");
    }

    @Test
    void tooManyRequestsAndUnavailableAreRetriable() {
        for (int status : new int[] {429, 503}) {
            bulkStatus = status;
            try (ElasticsearchSender s = new ElasticsearchSender(options().withInstallTemplate(false))) {
                SendException.Retriable e = assertThrows(SendException.Retriable.class, () -> s.send(two()));
                assertTrue(e.getMessage().contains("HTTP " + status), e.getMessage());
            }
        }
    }

    @Test
    void oneItemRejectedForLoadMakesTheBatchRetriable() {
        bulkBody = bulk(item("id-a", 201, null), item("id-b", 429, "es_rejected_execution_exception"));
        try (ElasticsearchSender s = new ElasticsearchSender(options().withInstallTemplate(false))) {
            SendException.Retriable e = assertThrows(SendException.Retriable.class, () -> s.send(two()));
            assertTrue(e.getMessage().contains("id-b"), e.getMessage());
        }
    }

    @Test
    void aMappingErrorBeatsARetriableItem() {
        bulkBody = bulk(item("id-a", 429, "es_rejected_execution_exception"),
                item("id-b", 400, "document_parsing_exception"));
        try (ElasticsearchSender s = new ElasticsearchSender(options().withInstallTemplate(false))) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(two()));
            assertTrue(e.getMessage().contains("id-b, status 400, document_parsing_exception"), e.getMessage());
        }
    }

    @Test
    void apiKeyAndBasicAuthAreSent() throws Exception {
        bulkBody = bulk(item("id-a", 201, null), item("id-b", 201, null));
        try (ElasticsearchSender s = new ElasticsearchSender(options().withApiKey("a2V5OnNlY3JldA=="))) {
            s.send(two());
        }
        try (ElasticsearchSender s = new ElasticsearchSender(options().withBasicAuth("vigil", "pw"))) {
            s.send(two());
        }
        assertEquals("ApiKey a2V5OnNlY3JldA==", authHeaders.get(0));
        assertEquals("Basic dmlnaWw6cHc=", authHeaders.get(2)); // base64("vigil:pw")
    }

    @Test
    void connectionRefusedIsRetriable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ElasticsearchOptions o = ElasticsearchOptions.of(URI.create("http://127.0.0.1:" + closedPort));
        try (ElasticsearchSender s = new ElasticsearchSender(o)) {
            SendException.Retriable e = assertThrows(SendException.Retriable.class, () -> s.send(two()));
            assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
        }
    }

    @Test
    void emptyBatchSendsNothing() throws Exception {
        try (ElasticsearchSender s = new ElasticsearchSender(options())) {
            s.send(List.of());
        }
        assertTrue(requests.isEmpty());
    }

    @Test
    void noAuthHeaderWithoutCredentials() {
        assertNull(ElasticsearchSender.authHeader(options()));
    }
}

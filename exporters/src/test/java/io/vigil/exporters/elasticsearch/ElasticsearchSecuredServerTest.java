package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.SendException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ElasticsearchSender against a real Elasticsearch 8.19 node with x-pack security on
 * ({@link ElasticsearchServer#startSecured}): right credentials write, wrong ones are Fatal.
 */
@Tag("elasticsearch")
class ElasticsearchSecuredServerTest {
    private static ElasticsearchServer es;

    @BeforeAll
    static void startNode() throws Exception {
        es = ElasticsearchServer.startSecured(Path.of("target", "es-run-secured"));
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (es != null) {
            es.close();
        }
    }

    private static List<Record> records() {
        return RealServerChecks.records(20);
    }

    @Test
    void rightBasicAuthWritesTemplateAndDocuments() throws Exception {
        String ds = "logs-vigil-secured";
        ElasticsearchOptions o = ElasticsearchOptions.of(es.url()).withDataStream(ds)
                .withBasicAuth(ElasticsearchServer.SUPERUSER, ElasticsearchServer.PASSWORD);
        try (ElasticsearchSender s = new ElasticsearchSender(o)) {
            s.send(records());
            s.send(records());
        }
        assertEquals(20, count(ds));
    }

    @Test
    void anonymousRequestIsFatal401() {
        try (ElasticsearchSender s = new ElasticsearchSender(ElasticsearchOptions.of(es.url()))) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(records()));
            assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        }
    }

    @Test
    void wrongPasswordIsFatal401() {
        ElasticsearchOptions o = ElasticsearchOptions.of(es.url()).withBasicAuth(ElasticsearchServer.SUPERUSER, "wrong");
        try (ElasticsearchSender s = new ElasticsearchSender(o)) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(records()));
            assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
            assertTrue(e.getMessage().contains("check the API key or username/password"), e.getMessage());
        }
    }

    @Test
    void wrongApiKeyIsFatal401() {
        ElasticsearchOptions o = ElasticsearchOptions.of(es.url()).withApiKey("bm90LWFuLWlkOm5vdC1hLWtleQ==");
        try (ElasticsearchSender s = new ElasticsearchSender(o)) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(records()));
            assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        }
    }

    @Test
    void userWithoutPrivilegesIsFatal403ForTheTemplateAndForTheBulk() {
        ElasticsearchOptions o = ElasticsearchOptions.of(es.url()).withDataStream("logs-vigil-forbidden")
                .withBasicAuth(ElasticsearchServer.MONITOR, ElasticsearchServer.PASSWORD);
        try (ElasticsearchSender s = new ElasticsearchSender(o)) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(records()));
            assertTrue(e.getMessage().contains("index template") && e.getMessage().contains("HTTP 403"), e.getMessage());
        }
        try (ElasticsearchSender s = new ElasticsearchSender(o.withInstallTemplate(false))) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(records()));
            assertTrue(e.getMessage().contains("bulk") && e.getMessage().contains("HTTP 403"), e.getMessage());
        }
    }

    private static long count(String ds) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String auth = ElasticsearchServer.basic(ElasticsearchServer.SUPERUSER, ElasticsearchServer.PASSWORD);
        http.send(HttpRequest.newBuilder(URI.create(es.url() + "/" + ds + "/_refresh")).header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(es.url() + "/" + ds + "/_count"))
                .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body()).get("count").asLong();
    }
}

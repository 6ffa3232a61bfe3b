package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("elasticsearch")
class ElasticsearchServerSmokeTest {
    @Test
    void startsAnswersAndStops() throws Exception {
        try (ElasticsearchServer es = ElasticsearchServer.start(Path.of("target", "es-run-smoke"))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(es.url().resolve("/_cluster/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"cluster_name\":\"vigil-test\""), r.body());
            es.stop();
            assertFalse(es.isRunning());
        }
    }
}

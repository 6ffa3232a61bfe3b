package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.SendException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * ElasticsearchSender against a real Elasticsearch 8.19 node ({@link ElasticsearchServer}): the
 * shared checks of {@link RealServerChecks}, then an outage (stop and restart the node), last.
 * Not covered here: security (401/403) — see ElasticsearchSecuredServerTest, and
 * ElasticsearchSenderErrorsTest for those statuses against a fake bulk endpoint.
 */
class ElasticsearchRealServerTest extends RealServerChecks {
    /**
     * Starts the 8.19 test node, or, with {@code -Dvigil.es.url=http://host:9200}, uses that node
     * instead (security off; the outage test is skipped).
     */
    @Override
    URI startNode() throws Exception {
        String external = System.getProperty("vigil.es.url", "");
        if (!external.isEmpty()) {
            return URI.create(external);
        }
        es = ElasticsearchServer.start(Path.of("target", "es-run-it"));
        return es.url();
    }

    @Test
    @Order(10)
    void nodeDownIsRetriableAndTheRetryAfterRestartCompletesTheBatch() throws Exception {
        Assumptions.assumeTrue(es != null, "an external node cannot be stopped by the test");
        String ds = "logs-vigil-outage";
        List<Record> records = records(1000);
        try (ElasticsearchSender s = new ElasticsearchSender(ElasticsearchOptions.of(url).withDataStream(ds))) {
            s.send(records.subList(0, 400));
            es.stop();
            SendException.Retriable e = assertThrows(SendException.Retriable.class, () -> s.send(records));
            assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
            es.restart();
            s.send(records); // the first 400 answer 409, the other 600 are created
        }
        assertEquals(1000, count(ds, null));
    }
}

package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

class BulkStatusTest {
    @Test
    void statusesMapToOutcomes() {
        assertEquals(BulkStatus.STORED, BulkStatus.of(200));
        assertEquals(BulkStatus.STORED, BulkStatus.of(201));
        assertEquals(BulkStatus.ALREADY_STORED, BulkStatus.of(409)); // create of an existing id: exactly once
        assertEquals(BulkStatus.RETRIABLE, BulkStatus.of(408));
        assertEquals(BulkStatus.RETRIABLE, BulkStatus.of(429));
        assertEquals(BulkStatus.RETRIABLE, BulkStatus.of(500));
        assertEquals(BulkStatus.RETRIABLE, BulkStatus.of(502));
        assertEquals(BulkStatus.RETRIABLE, BulkStatus.of(503));
        assertEquals(BulkStatus.FATAL, BulkStatus.of(400));
        assertEquals(BulkStatus.FATAL, BulkStatus.of(401));
        assertEquals(BulkStatus.FATAL, BulkStatus.of(403));
        assertEquals(BulkStatus.FATAL, BulkStatus.of(404));
        assertEquals(BulkStatus.FATAL, BulkStatus.of(413));
    }

    @Test
    void optionsRejectBadDataStreamNamesAndTwoKindsOfAuth() {
        URI u = URI.create("http://127.0.0.1:9200");
        ElasticsearchOptions o = ElasticsearchOptions.of(u);
        assertEquals("logs-vigil-default", o.dataStream());
        assertThrows(IllegalArgumentException.class, () -> o.withDataStream("Logs-Vigil"));
        assertThrows(IllegalArgumentException.class, () -> o.withDataStream("_logs"));
        assertThrows(IllegalArgumentException.class, () -> o.withDataStream("logs vigil"));
        assertThrows(IllegalArgumentException.class, () -> ElasticsearchOptions.of(URI.create("ftp://x")));
        assertThrows(IllegalArgumentException.class,
                () -> new ElasticsearchOptions(java.util.List.of(u), null, "key", "user", "pw", null, null, null, true));
    }
}

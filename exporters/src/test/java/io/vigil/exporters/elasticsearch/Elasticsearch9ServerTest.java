package io.vigil.exporters.elasticsearch;

import java.net.URI;
import java.nio.file.Path;

/**
 * The shared real-server checks ({@link RealServerChecks}) against an Elasticsearch 9.x node
 * (target/es9-home, run on Temurin 25): the 8.19 client's {@code compatible-with=8} requests go
 * through 9.x's REST API compatibility.
 */
class Elasticsearch9ServerTest extends RealServerChecks {
    @Override
    URI startNode() throws Exception {
        long t0 = System.nanoTime();
        es = ElasticsearchServer.start(ElasticsearchRelease.v9(), Path.of("target", "es9-run-it"));
        System.out.printf("Elasticsearch %s started in %.1f s%n", ElasticsearchRelease.V9, (System.nanoTime() - t0) / 1e9);
        return es.url();
    }
}

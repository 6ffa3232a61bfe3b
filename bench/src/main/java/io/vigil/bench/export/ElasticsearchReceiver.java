package io.vigil.bench.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.exporters.elasticsearch.EcsEncoder;
import io.vigil.exporters.elasticsearch.ElasticsearchOptions;
import io.vigil.exporters.elasticsearch.ElasticsearchSender;
import io.vigil.exporters.elasticsearch.ElasticsearchServer;
import io.vigil.exporters.remote.RecordEncoder;
import io.vigil.exporters.remote.RecordSender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * The exporters' Elasticsearch 8.19 node harness (its own process on 127.0.0.1); each run writes a data
 * stream of its own, counted with {@code _count} after a {@code _refresh}. The ids are deterministic, so
 * the count is exact: a duplicate would be refused (409), a loss would show.
 */
final class ElasticsearchReceiver implements Receiver {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ElasticsearchServer node;
    private String dataStream;

    private ElasticsearchReceiver(ElasticsearchServer node) {
        this.node = node;
    }

    static ElasticsearchReceiver start(Path dir) throws IOException, InterruptedException {
        return new ElasticsearchReceiver(ElasticsearchServer.start(dir.resolve("es")));
    }

    @Override
    public String exporter() {
        return "elasticsearch";
    }

    @Override
    public String describe() {
        return "Elasticsearch " + "8.19 node (ElasticsearchServer, own JVM -Xmx512m SerialGC) at " + node.url();
    }

    @Override
    public String newRun(int run) {
        dataStream = "logs-vigil-bench" + run;
        return dataStream;
    }

    @Override
    public RecordEncoder encoder() {
        return new EcsEncoder();
    }

    @Override
    public RecordSender sender() {
        // what RemoteExportFlags.elasticsearchOptions() builds for --export-elasticsearch URL
        return new ElasticsearchSender(new ElasticsearchOptions(List.of(node.url()), dataStream, null, null, null,
                null, null, null, true));
    }

    @Override
    public long count() throws IOException, InterruptedException {
        if (send("POST", "/" + dataStream + "/_refresh").statusCode() == 404) {
            return 0; // nothing written yet: the data stream is created by the first write
        }
        HttpResponse<String> r = send("GET", "/" + dataStream + "/_count");
        if (r.statusCode() != 200) {
            throw new IOException("_count on " + dataStream + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("count").asLong();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public long cpuNanos() {
        return ChildProcesses.cpuNanos("org.elasticsearch.server");
    }

    @Override
    public void close() throws InterruptedException {
        node.close();
    }
}

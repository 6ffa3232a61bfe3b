package io.vigil.exporters.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.RecordSender;
import io.vigil.exporters.remote.SendException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.apache.http.nio.entity.NStringEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Writes records (ECS documents from {@link EcsEncoder}) into an Elasticsearch data stream with the
 * bulk API, one {@code create} per record, its id the record's id.
 *
 * <p><b>Exactly once.</b> {@code create} fails with 409 when a document with that id exists, and
 * that is counted as success: when a batch is retried after a timeout or a crash (the caller
 * retries whole batches), the documents the first attempt stored answer 409 and only the missing
 * ones are written. Data streams accept only {@code create}, so this is also the only op allowed.
 *
 * <p><b>Why not BulkIngester.</b> The seam's {@link #send} must return only once every record is
 * stored, or throw so the caller (the spooling exporter) keeps the batch. BulkIngester batches on
 * its own schedule, reports through an asynchronous listener and may split or merge our batches;
 * its queueing, size limits and retries are what the spooling exporter already does. So each batch
 * is one synchronous {@code _bulk} call here, and its per-item statuses decide the outcome.
 *
 * <p><b>Errors.</b> Connection refused, timeouts, 408, 429 and 5xx (of the request or of any item)
 * throw {@link SendException.Retriable}; 401/403, mapping and parsing errors (400), a certificate
 * TLS does not trust, and anything else throw {@link SendException.Fatal} with the first item's
 * id, type and reason. When some items
 * fail fatally the others have been stored all the same (and would answer 409 on a retry).
 *
 * <p><b>Template.</b> Before the first write the sender puts an index template
 * ({@link #templateBody}) for exactly its data stream: {@code data_stream: {}}, the ECS mappings of
 * the fields {@link EcsEncoder} writes, {@code vigil} stored but not indexed, priority
 * {@value #TEMPLATE_PRIORITY} (above the built-in logs-*-* at 100). PUT replaces a template of the
 * same name, so installing it again is harmless. A failure there is classified like a bulk failure
 * and the template is tried again at the next send.
 *
 * <p>Client: elasticsearch-java 8.19, which sends {@code compatible-with=8}; Elasticsearch 8.x
 * accepts it natively and 9.x through REST API compatibility (a 9.x client's
 * {@code compatible-with=9} is refused by 8.x servers).
 *
 * <p>Called from one thread (the exporter's sender thread), as {@link RecordSender} says.
 */
public final class ElasticsearchSender implements RecordSender {
    static final int TEMPLATE_PRIORITY = 200;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ElasticsearchOptions options;
    private final RestClient restClient;
    private final RestClientTransport transport;
    private final ElasticsearchClient client;
    private boolean templateInstalled;

    public ElasticsearchSender(ElasticsearchOptions options) {
        this.options = options;
        this.restClient = buildRestClient(options);
        this.transport = new RestClientTransport(restClient, new JacksonJsonpMapper());
        this.client = new ElasticsearchClient(transport);
        this.templateInstalled = !options.installTemplate();
    }

    @Override
    public String name() {
        return "elasticsearch";
    }

    @Override
    public void send(List<Record> batch) throws SendException {
        if (batch.isEmpty()) {
            return;
        }
        if (!templateInstalled) {
            installTemplate();
        }
        BulkRequest.Builder request = new BulkRequest.Builder().index(options.dataStream());
        for (Record r : batch) {
            BinaryData doc = BinaryData.of(r.payload(), ContentType.APPLICATION_JSON);
            request.operations(op -> op.create(c -> c.id(r.id()).document(doc)));
        }
        BulkResponse response;
        try {
            response = client.bulk(request.build());
        } catch (ElasticsearchException e) {
            throw requestFailure("bulk", e.status(), describe(e.error()), e);
        } catch (TransportException e) {
            throw requestFailure("bulk", e.statusCode(), e.getMessage(), e);
        } catch (ResponseException e) {
            // the low-level client's own error for some statuses (429 among them), not parsed into an ElasticsearchException
            throw requestFailure("bulk", e.getResponse().getStatusLine().getStatusCode(), e.getMessage(), e);
        } catch (IOException e) {
            throw unreachable("bulk", e);
        }
        checkItems(batch.size(), response.items());
    }

    /**
     * Puts the index template for the data stream (idempotent). Called by the first {@link #send};
     * public so a caller can check credentials and connectivity at start.
     */
    public void installTemplate() throws SendException {
        Request put = new Request("PUT", "/_index_template/" + templateName(options.dataStream()));
        put.setEntity(new NStringEntity(templateBody(options.dataStream()),
                org.apache.http.entity.ContentType.APPLICATION_JSON));
        try {
            restClient.performRequest(put);
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            throw requestFailure("index template", status, e.getMessage(), e);
        } catch (IOException e) {
            throw unreachable("index template", e);
        }
        templateInstalled = true;
    }

    static String templateName(String dataStream) {
        return "vigil-" + dataStream;
    }

    /** The composable index template for one data stream. */
    static String templateBody(String dataStream) {
        ObjectNode t = MAPPER.createObjectNode();
        t.putArray("index_patterns").add(dataStream);
        t.putObject("data_stream");
        t.put("priority", TEMPLATE_PRIORITY);
        ObjectNode template = t.putObject("template");
        template.set("mappings", ecsMappings());
        ObjectNode meta = t.putObject("_meta");
        meta.put("managed_by", "vigil");
        meta.put("ecs_version", EcsEncoder.ECS_VERSION);
        return t.toString();
    }

    private static ObjectNode ecsMappings() {
        try (InputStream in = ElasticsearchSender.class.getResourceAsStream("ecs-mappings.json")) {
            if (in == null) {
                throw new IllegalStateException("ecs-mappings.json is missing from the jar");
            }
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fatal beats retriable: retrying cannot fix the fatal items, and the others are stored. */
    private static void checkItems(int sent, List<BulkResponseItem> items) throws SendException {
        if (items.size() != sent) {
            throw new SendException.Retriable("bulk answered " + items.size() + " items for " + sent + " sent", null);
        }
        BulkResponseItem firstFatal = null;
        BulkResponseItem firstRetriable = null;
        int fatal = 0;
        int retriable = 0;
        for (BulkResponseItem item : items) {
            switch (BulkStatus.of(item.status())) {
                case STORED, ALREADY_STORED -> { }
                case RETRIABLE -> {
                    retriable++;
                    firstRetriable = firstRetriable == null ? item : firstRetriable;
                }
                case FATAL -> {
                    fatal++;
                    firstFatal = firstFatal == null ? item : firstFatal;
                }
            }
        }
        if (fatal > 0) {
            throw new SendException.Fatal("Elasticsearch rejected " + fatal + " of " + sent + " documents (the others"
                    + " are stored); first: id " + firstFatal.id() + ", status " + firstFatal.status() + ", "
                    + describe(firstFatal.error()), null);
        }
        if (retriable > 0) {
            throw new SendException.Retriable("Elasticsearch could not take " + retriable + " of " + sent
                    + " documents now; first: id " + firstRetriable.id() + ", status " + firstRetriable.status()
                    + ", " + describe(firstRetriable.error()), null);
        }
    }

    private SendException requestFailure(String what, int status, String detail, Exception cause) {
        String hint = BulkStatus.hint(status);
        String msg = "Elasticsearch " + what + " at " + options.urls() + " failed with HTTP " + status
                + (hint.isEmpty() ? "" : " (" + hint + ")") + ": " + detail;
        return BulkStatus.of(status) == BulkStatus.RETRIABLE
                ? new SendException.Retriable(msg, cause)
                : new SendException.Fatal(msg, cause);
    }

    /**
     * An I/O failure: retriable (refused, reset, timed out) unless it is TLS refusing the node's
     * certificate, which retrying cannot fix.
     */
    private SendException unreachable(String what, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return new SendException.Fatal("Elasticsearch " + what + ": TLS with " + options.urls()
                        + " failed (check caCertificate: the CA that signed the nodes' certificates, and that"
                        + " the URL's host is in their certificates): " + t, e);
            }
        }
        return new SendException.Retriable("Elasticsearch " + what + ": cannot reach " + options.urls() + ": " + e, e);
    }

    private static String describe(ErrorCause e) {
        if (e == null) {
            return "no error detail";
        }
        String s = e.type() + ": " + e.reason();
        return e.causedBy() == null ? s : s + " (caused by " + e.causedBy().type() + ": " + e.causedBy().reason() + ")";
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- client construction

    private static RestClient buildRestClient(ElasticsearchOptions o) {
        HttpHost[] hosts = o.urls().stream().map(ElasticsearchSender::host).toArray(HttpHost[]::new);
        RestClientBuilder b = RestClient.builder(hosts);
        Header auth = authHeader(o);
        if (auth != null) {
            b.setDefaultHeaders(new Header[] {auth});
        }
        b.setRequestConfigCallback(rc -> rc.setConnectTimeout((int) o.connectTimeout().toMillis())
                .setSocketTimeout((int) o.socketTimeout().toMillis()));
        if (o.caCertificate() != null) {
            SSLContext ssl = sslContext(o);
            b.setHttpClientConfigCallback(h -> h.setSSLContext(ssl));
        }
        return b.build();
    }

    private static HttpHost host(URI u) {
        int port = u.getPort() != -1 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 9200;
        return new HttpHost(u.getHost(), port, u.getScheme());
    }

    static Header authHeader(ElasticsearchOptions o) {
        if (!o.apiKey().isEmpty()) {
            return new BasicHeader("Authorization", "ApiKey " + o.apiKey());
        }
        if (!o.username().isEmpty()) {
            String userPass = o.username() + ":" + o.password();
            return new BasicHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8)));
        }
        return null;
    }

    /** Trusts exactly the CA certificate(s) in the PEM file. */
    private static SSLContext sslContext(ElasticsearchOptions o) {
        try (InputStream in = Files.newInputStream(o.caCertificate())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no certificate in " + o.caCertificate());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA certificate " + o.caCertificate(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the CA certificate " + o.caCertificate() + ": " + e, e);
        }
    }
}

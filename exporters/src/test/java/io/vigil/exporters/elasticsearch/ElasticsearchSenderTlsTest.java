package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.SendException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caCertificate option, against a FAKE bulk endpoint over HTTPS (com.sun.net.httpserver), its
 * certificate self-signed for 127.0.0.1 by keytool: trusted through the PEM file, refused without it.
 */
class ElasticsearchSenderTlsTest {
    private static final char[] PASS = "changeit".toCharArray();

    @TempDir
    Path dir;
    private HttpsServer server;
    private Path caPem;
    private final AtomicInteger bulks = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        Path keystore = dir.resolve("node.p12");
        caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "node", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", caPem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, PASS);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        String body = "{\"errors\":false,\"took\":1,\"items\":[{\"create\":{\"_index\":\"i\",\"_id\":\"id-a\",\"status\":201,"
                + "\"result\":\"created\",\"_version\":1,\"_seq_no\":0,\"_primary_term\":1,"
                + "\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0}}}]}";
        bulks.incrementAndGet();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private ElasticsearchOptions options() {
        return ElasticsearchOptions.of(URI.create("https://127.0.0.1:" + server.getAddress().getPort()))
                .withInstallTemplate(false);
    }

    private static List<Record> one() {
        return List.of(new Record("id-a", "", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theNodeIsTrustedThroughTheCaCertificateFile() throws Exception {
        try (ElasticsearchSender s = new ElasticsearchSender(options().withCaCertificate(caPem))) {
            s.send(one());
        }
        assertEquals(1, bulks.get());
    }

    @Test
    void withoutTheCaTheCertificateIsRefusedAndThatIsFatal() {
        try (ElasticsearchSender s = new ElasticsearchSender(options())) {
            SendException.Fatal e = assertThrows(SendException.Fatal.class, () -> s.send(one()));
            assertTrue(e.getMessage().contains("check caCertificate"), e.getMessage());
        }
        assertEquals(0, bulks.get());
    }

    @Test
    void aCaFileWithoutACertificateIsRejectedAtConstruction() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ElasticsearchSender(options().withCaCertificate(empty)));
        assertTrue(e.getMessage().contains("no certificate"), e.getMessage());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }
}

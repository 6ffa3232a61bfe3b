package io.vigil.exporters.syslog;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real rsyslogd of the test's own: {@code rsyslogd -n -f <conf> -i <pidfile>} listening with imtcp on
 * a free loopback port (plain, or TLS through the ossl netstream driver with a certificate the test
 * generates), writing each message from app-name "vigil" as one JSON line of the fields rsyslog
 * parsed: pri, hostname, app-name, procid, msgid, structured-data, msg. Public for bench/'s ExportBench,
 * which measures the syslog exporter against this same receiver.
 */
public final class Rsyslog implements AutoCloseable {
    public static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");

    final Path dir;
    public final Path out;
    public final int port;
    public final Path cert;
    final Path key;
    private final boolean tls;
    private Process process;

    /** Skips (loudly) only when rsyslogd is missing and we are not root, so could not have installed it. */
    static void requireRsyslogd() {
        if (Files.isExecutable(RSYSLOGD)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            System.err.println("SKIPPING the rsyslog tests: " + RSYSLOGD + " is not installed and this is not root;"
                    + " run `sudo bin/setup --test` (installs rsyslog, rsyslog-openssl)");
            Assumptions.abort(RSYSLOGD + " missing and not root: run sudo bin/setup --test");
        }
        fail(RSYSLOGD + " is not installed: run bin/setup --test (apt-get install rsyslog rsyslog-openssl)");
    }

    public Rsyslog(Path dir, boolean tls) throws IOException, InterruptedException {
        this.dir = dir;
        this.tls = tls;
        Files.createDirectories(dir);
        this.out = dir.resolve("received.jsonl");
        this.cert = dir.resolve("cert.pem");
        this.key = dir.resolve("key.pem");
        this.port = freePort();
        if (tls) {
            run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                    cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        }
        Files.writeString(dir.resolve("rsyslog.conf"), config());
    }

    private String config() {
        StringBuilder c = new StringBuilder();
        c.append("global(workDirectory=\"").append(dir).append("\" maxMessageSize=\"64k\"");
        if (tls) {
            c.append(" defaultNetstreamDriver=\"ossl\" defaultNetstreamDriverCAFile=\"").append(cert)
                    .append("\" defaultNetstreamDriverCertFile=\"").append(cert)
                    .append("\" defaultNetstreamDriverKeyFile=\"").append(key).append('"');
        }
        c.append(")\n");
        c.append("module(load=\"imtcp\"");
        if (tls) {
            c.append(" streamDriver.name=\"ossl\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\"");
        }
        c.append(")\n");
        c.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"").append(port).append("\")\n");
        c.append("template(name=\"fields\" type=\"list\") {\n");
        String[][] fields = {{"pri", "pri"}, {"hostname", "hostname"}, {"app", "app-name"}, {"procid", "procid"},
                {"msgid", "msgid"}, {"sd", "structured-data"}, {"time", "timereported"}, {"msg", "msg"}};
        for (int i = 0; i < fields.length; i++) {
            c.append("  constant(value=\"").append(i == 0 ? "{" : ",").append("\\\"").append(fields[i][0])
                    .append("\\\":\\\"\")\n");
            c.append("  property(name=\"").append(fields[i][1]).append("\" format=\"json\"")
                    .append(fields[i][1].equals("timereported") ? " dateFormat=\"rfc3339\"" : "").append(")\n");
            c.append("  constant(value=\"\\\"\")\n");
        }
        c.append("  constant(value=\"}\\n\")\n}\n");
        c.append("if $app-name == \"vigil\" then action(type=\"omfile\" file=\"").append(out)
                .append("\" template=\"fields\")\n");
        return c.toString();
    }

    /** Starts rsyslogd and waits until it accepts connections. */
    public Rsyslog start() throws IOException, InterruptedException {
        process = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", dir.resolve("rsyslog.conf").toString(),
                "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("rsyslogd exited " + process.exitValue() + ": " + Files.readString(dir.resolve("rsyslogd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("rsyslogd did not listen on " + port + ": " + Files.readString(dir.resolve("rsyslogd.log")));
        return this;
    }

    /** The lines written so far. */
    List<String> lines() throws IOException {
        return Files.exists(out) ? Files.readAllLines(out) : List.of();
    }

    /** Waits until {@code n} lines arrived (or the timeout), then a little longer to catch extras. */
    List<String> awaitLines(int n, long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (lines().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        return lines();
    }

    public String log() throws IOException {
        Path l = dir.resolve("rsyslogd.log");
        return Files.exists(l) ? Files.readString(l) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy(); // SIGTERM: rsyslogd flushes and exits
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("cmd.log").toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " failed: " + Files.readString(dir.resolve("cmd.log")));
        }
    }
}

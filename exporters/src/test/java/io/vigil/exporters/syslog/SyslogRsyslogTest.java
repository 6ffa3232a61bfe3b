package io.vigil.exporters.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.api.Event;
import io.vigil.exporters.TestEvents;
import io.vigil.exporters.remote.Backoff;
import io.vigil.exporters.remote.DeadLetters;
import io.vigil.exporters.remote.DiskSpool;
import io.vigil.exporters.remote.FsyncPolicy;
import io.vigil.exporters.remote.JsonRecordEncoder;
import io.vigil.exporters.remote.QueueOptions;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.RetryingSender;
import io.vigil.exporters.remote.SendException;
import io.vigil.exporters.remote.Sleeper;
import io.vigil.exporters.remote.SpoolOptions;
import io.vigil.exporters.remote.SpoolingExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The syslog exporter against a real rsyslogd (Debian's), over TCP and over TLS. */
class SyslogRsyslogTest {
    private static final int N = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void rsyslogd() {
        Rsyslog.requireRsyslogd();
    }

    private static Event event(int i) {
        return i % 3 == 2 ? TestEvents.kprobe(10_000 + i, "/usr/bin/cat", "file-monitoring")
                : TestEvents.exec(10_000 + i, "/bin/sh", "-c 'step=" + i + "'\nline2 | x\\y");
    }

    private static List<String> ids(int n) {
        JsonRecordEncoder enc = new JsonRecordEncoder();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(enc.encode(event(i)).id());
        }
        return out;
    }

    static SpoolingExporter exporter(SyslogOptions o, Path spoolDir) throws Exception {
        RetryingSender retrying = new RetryingSender(new SyslogSender(o),
                Backoff.defaults().withMaxRetries(3), Sleeper.SYSTEM, System::nanoTime, DeadLetters.counting(), null);
        DiskSpool spool = DiskSpool.open(new SpoolOptions(spoolDir, 256 << 20, 8 << 20, FsyncPolicy.never()));
        QueueOptions q = QueueOptions.DEFAULTS.withQueueCapacity(1000).withBatch(200, 256 * 1024, Duration.ofMillis(20))
                .withRetryPause(Duration.ofMillis(200)).withCloseTimeout(Duration.ofSeconds(30));
        return SpoolingExporter.start(new SyslogEncoder(o), retrying, spool, q, null);
    }

    @Test
    void cefOverTcpEveryMessageArrivesOnceInOrderAndParses(@TempDir Path dir) throws Exception {
        try (Rsyslog rs = new Rsyslog(dir, false).start()) {
            SyslogOptions o = new SyslogOptions("127.0.0.1", rs.port, SyslogOptions.Transport.TCP, null,
                    SyslogOptions.Format.CEF, 13, null, "4242", "0.1.0", null);
            SpoolingExporter e = exporter(o, dir.resolve("spool"));
            for (int i = 0; i < N; i++) {
                e.accept(event(i));
            }
            e.close();
            assertEquals(0, e.lost());
            List<String> lines = rs.awaitLines(N, 60);
            assertEquals(N, lines.size(), "exactly one line per event; rsyslogd log: " + rs.log());
            List<String> expectedIds = ids(N);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                JsonNode m = JSON.readTree(lines.get(i));
                assertEquals("vigil", m.get("app").asText());
                assertEquals("node", m.get("hostname").asText());
                assertEquals("4242", m.get("procid").asText());
                assertEquals("-", m.get("sd").asText());
                String type = i % 3 == 2 ? "process_kprobe" : "process_exec";
                assertEquals(type, m.get("msgid").asText());
                assertEquals(i % 3 == 2 ? "109" : "110", m.get("pri").asText(), "facility 13, severity 5 / 6");
                assertTrue(m.get("time").asText().startsWith("2024-04-14T02:18:03"), m.get("time").asText());
                CefParser.Cef c = CefParser.parse(m.get("msg").asText());
                assertEquals(List.of("0", "Vigil", "vigil", "0.1.0", type), c.header().subList(0, 5));
                assertEquals(Integer.toString(10_000 + i), c.get("spid"));
                if (i % 3 != 2) {
                    assertEquals("-c 'step=" + i + "'\nline2 | x\\y", c.get("cs2"), "escaped arguments survive");
                } else {
                    assertEquals("file-monitoring", c.get("cs1"));
                }
                got.add(c.get("externalId"));
            }
            assertEquals(expectedIds, got, "every id, once, in order");
            assertEquals(N, new HashSet<>(got).size());
        }
    }

    @Test
    void jsonOverTlsAfterTheReceiverWasDownAtFirst(@TempDir Path dir) throws Exception {
        Rsyslog rs = new Rsyslog(dir, true); // configured, not started: the receiver is down
        try (rs) {
            SyslogOptions o = SyslogOptions.tls("127.0.0.1", rs.port, rs.cert, SyslogOptions.Format.JSON);
            SpoolingExporter e = exporter(o, dir.resolve("spool"));
            for (int i = 0; i < N; i++) {
                e.accept(event(i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (e.stats().sendFailures() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(e.stats().sendFailures() > 0, "the first sends failed: nothing listened");
            assertTrue(e.stats().spooled() > 0, "the queue (1000) overflowed to the spool: " + e.stats());
            rs.start();
            List<String> lines = rs.awaitLines(N, 90);
            e.close();
            assertEquals(0, e.lost());
            assertEquals(N, lines.size(), "exactly one line per event; rsyslogd log: " + rs.log());
            List<String> expected = ids(N);
            for (int i = 0; i < N; i++) {
                JsonNode m = JSON.readTree(lines.get(i));
                JsonNode event = JSON.readTree(m.get("msg").asText());
                String type = i % 3 == 2 ? "process_kprobe" : "process_exec";
                assertEquals(type, m.get("msgid").asText());
                assertEquals(10_000 + i, event.get(type).get("process").get("pid").asInt(), "in order");
                assertEquals(expected.get(i), io.vigil.exporters.remote.RecordIds.of(m.get("msg").asText()),
                        "the body is the canonical JSON the id was computed from");
            }
        }
    }

    @Test
    void tlsRefusesAReceiverItsCaDidNotSign(@TempDir Path dir) throws Exception {
        try (Rsyslog rs = new Rsyslog(dir.resolve("a"), true).start()) {
            Path otherCa = dir.resolve("other.pem");
            Files.createDirectories(dir.resolve("b"));
            new Rsyslog(dir.resolve("b"), true); // generates another self-signed certificate
            Files.copy(dir.resolve("b").resolve("cert.pem"), otherCa);
            SyslogSender s = new SyslogSender(SyslogOptions.tls("127.0.0.1", rs.port, otherCa,
                    SyslogOptions.Format.JSON));
            Record r = new SyslogEncoder(SyslogOptions.tls("127.0.0.1", rs.port, otherCa, SyslogOptions.Format.JSON))
                    .encode(event(1));
            SendException.Retriable ex = assertThrows(SendException.Retriable.class, () -> s.send(List.of(r)));
            assertTrue(ex.getMessage().contains("PKIX") || ex.getMessage().contains("certificate"), ex.getMessage());
            s.close();
            Thread.sleep(300);
            assertEquals(0, rs.lines().size(), "nothing was delivered");
        }
    }
}

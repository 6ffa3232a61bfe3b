package io.vigil.agent.cli;

import io.vigil.api.EventSink;
import io.vigil.exporters.elasticsearch.EcsEncoder;
import io.vigil.exporters.elasticsearch.ElasticsearchOptions;
import io.vigil.exporters.elasticsearch.ElasticsearchSender;
import io.vigil.exporters.kafka.KafkaOptions;
import io.vigil.exporters.kafka.KafkaSender;
import io.vigil.exporters.remote.Backoff;
import io.vigil.exporters.remote.DeadLetterFile;
import io.vigil.exporters.remote.JsonRecordEncoder;
import io.vigil.exporters.remote.LossAlarm;
import io.vigil.exporters.remote.LossAlertSink;
import io.vigil.exporters.remote.QueueOptions;
import io.vigil.exporters.remote.RecordEncoder;
import io.vigil.exporters.remote.RecordSender;
import io.vigil.exporters.remote.SendException;
import io.vigil.exporters.remote.SpoolOptions;
import io.vigil.exporters.remote.SpoolingExporter;
import io.vigil.exporters.syslog.SyslogEncoder;
import io.vigil.exporters.syslog.SyslogOptions;
import io.vigil.exporters.syslog.SyslogSender;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code vigil run}'s remote exporters: syslog, Kafka and Elasticsearch, each behind its own bounded queue and disk
 * spool (SpoolingExporter). Several at once; none by default.
 */
public final class RemoteExportFlags {
    private static final Logger log = LoggerFactory.getLogger(RemoteExportFlags.class);

    @Option(names = "--export-syslog", paramLabel = "URL",
            description = "send events to a syslog receiver, RFC 5424 with octet-counted framing: tcp://HOST:PORT or tls://HOST:PORT")
    String syslog;

    @Option(names = "--export-syslog-format", paramLabel = "FORMAT",
            description = "syslog message body: json (Tetragon's event) or cef (default: ${DEFAULT-VALUE})")
    String syslogFormat = "json";

    @Option(names = "--export-syslog-ca", paramLabel = "FILE", description = "tls://: the CA certificate (PEM) the receiver's certificate must chain to")
    Path syslogCa;

    @Option(names = "--export-kafka", paramLabel = "HOST:PORT[,...]", description = "send events to Kafka (idempotent producer, key exec_id)")
    String kafka;

    @Option(names = "--export-kafka-topic", paramLabel = "TOPIC", description = "Kafka topic (default: ${DEFAULT-VALUE})")
    String kafkaTopic = "vigil-events";

    @Option(names = "--export-elasticsearch", paramLabel = "URL[,URL...]", split = ",",
            description = "send events to Elasticsearch as ECS documents (bulk create with deterministic ids: exactly once)")
    List<URI> elasticsearch;

    @Option(names = "--export-elasticsearch-data-stream", paramLabel = "NAME",
            description = "the data stream (default: ${DEFAULT-VALUE}); the exporter installs its index template")
    String esDataStream = ElasticsearchOptions.DEFAULT_DATA_STREAM;

    @Option(names = "--export-elasticsearch-api-key-file", paramLabel = "FILE", description = "a file holding the API key (encoded form)")
    Path esApiKeyFile;

    @Option(names = "--export-elasticsearch-user", paramLabel = "USER", description = "basic auth user (password from --export-elasticsearch-password-file)")
    String esUser;

    @Option(names = "--export-elasticsearch-password-file", paramLabel = "FILE", description = "a file holding the basic auth password")
    Path esPasswordFile;

    @Option(names = "--export-elasticsearch-ca", paramLabel = "FILE", description = "https://: the CA certificate (PEM) of the cluster")
    Path esCa;

    @Option(names = "--spool-dir", paramLabel = "DIR",
            description = "where remote exporters spool events while their receiver is down (default: ${DEFAULT-VALUE}); one directory each")
    Path spoolDir = Path.of("/var/lib/vigil/spool");

    /** A started exporter and its name for logs and status. */
    public record Started(String name, SpoolingExporter exporter) {}

    /** Checks the flags; throws IllegalArgumentException with what is wrong. */
    void validate() {
        if (syslog != null) {
            syslogOptions();
        }
        if (kafka != null && kafka.isBlank()) {
            throw new IllegalArgumentException("--export-kafka needs HOST:PORT");
        }
        if (elasticsearch != null) {
            elasticsearchOptions();
        }
    }

    ElasticsearchOptions elasticsearchOptions() {
        try {
            ElasticsearchOptions o = new ElasticsearchOptions(elasticsearch, esDataStream, null, null, null, null, null,
                    null, true);
            if (esApiKeyFile != null) {
                o = o.withApiKey(Files.readString(esApiKeyFile).strip());
            }
            if (esUser != null) {
                if (esPasswordFile == null) {
                    throw new IllegalArgumentException("--export-elasticsearch-user needs --export-elasticsearch-password-file");
                }
                o = o.withBasicAuth(esUser, Files.readString(esPasswordFile).strip());
            }
            if (esCa != null) {
                o = o.withCaCertificate(esCa);
            }
            return o;
        } catch (IOException e) {
            throw new IllegalArgumentException("--export-elasticsearch: cannot read " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--export-elasticsearch: " + e.getMessage());
        }
    }

    SyslogOptions syslogOptions() {
        URI u;
        try {
            u = URI.create(syslog);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--export-syslog " + syslog + ": not a URL (tcp://HOST:PORT or tls://HOST:PORT)");
        }
        if (u.getHost() == null || u.getPort() < 0 || !("tcp".equals(u.getScheme()) || "tls".equals(u.getScheme()))) {
            throw new IllegalArgumentException("--export-syslog " + syslog + ": write tcp://HOST:PORT or tls://HOST:PORT");
        }
        SyslogOptions.Format f = switch (syslogFormat) {
            case "json" -> SyslogOptions.Format.JSON;
            case "cef" -> SyslogOptions.Format.CEF;
            default -> throw new IllegalArgumentException("--export-syslog-format must be json or cef, not " + syslogFormat);
        };
        if ("tls".equals(u.getScheme())) {
            return SyslogOptions.tls(u.getHost(), u.getPort(), syslogCa, f);
        }
        return SyslogOptions.tcp(u.getHost(), u.getPort(), f);
    }

    /** Starts every exporter the flags name (each recovers and replays its spool first). */
    List<Started> start() throws IOException {
        Map<String, RecordEncoder> encoders = new LinkedHashMap<>();
        Map<String, RecordSender> senders = new LinkedHashMap<>();
        if (syslog != null) {
            SyslogOptions o = syslogOptions();
            encoders.put("syslog", new SyslogEncoder(o));
            senders.put("syslog", new SyslogSender(o));
        }
        if (kafka != null) {
            encoders.put("kafka", new JsonRecordEncoder());
            senders.put("kafka", new KafkaSender(KafkaOptions.of(kafka, kafkaTopic)));
        }
        if (elasticsearch != null) {
            encoders.put("elasticsearch", new EcsEncoder());
            senders.put("elasticsearch", new ElasticsearchSender(elasticsearchOptions()));
        }
        List<Started> out = new ArrayList<>();
        for (String name : senders.keySet()) {
            Path dir = spoolDir.resolve(name);
            SpoolingExporter e = SpoolingExporter.open(encoders.get(name), senders.get(name), SpoolOptions.defaults(dir),
                    QueueOptions.DEFAULTS, Backoff.defaults(),
                    new DeadLetterFile(spoolDir.resolve(name + ".dead.jsonl"), Clock.systemUTC()), new LoggingListener(name));
            log.info("exporting events to {}, spool {}", name, dir);
            out.add(new Started(name, e));
        }
        return out;
    }

    /**
     * The sinks to put before {@code outputs} in the pipeline: the exporters, then the sink that turns
     * their losses into export_loss alerts in {@code outputs} (stdout, the JSON file, the counters) and in
     * the other remote exporters (a Kafka loss in Elasticsearch and syslog: the SIEM is where security
     * teams look). Never in the exporter that lost: it is the one failing, its alert would be lost with
     * its events or wait behind them.
     */
    static List<EventSink> withLossAlerts(List<Started> remotes, List<EventSink> outputs, String nodeName) {
        if (remotes.isEmpty()) {
            return List.of();
        }
        List<EventSink> out = new ArrayList<>();
        Map<String, EventSink> byName = new LinkedHashMap<>();
        for (Started r : remotes) {
            out.add(r.exporter());
            byName.put(r.exporter().name(), r.exporter()); // the name its alerts carry (LossAlarm.Source)
        }
        LossAlarm alarm = new LossAlarm(remotes.stream().map(Started::exporter).toList(),
                LossAlarm.DEFAULT_INTERVAL_NANOS, nodeName, System::nanoTime, InstantSource.system());
        out.add(new LossAlertSink(alarm, outputs, byName));
        return out;
    }

    /** Losses and failures in the agent's log; the counters are in {@code vigil status}. */
    private static final class LoggingListener implements SpoolingExporter.Listener {
        private final String name;
        private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();

        LoggingListener(String name) {
            this.name = name;
        }

        @Override
        public void lost(long records, long total, String reason) {
            log.error("export {}: {} events lost ({} in all): {}", name, records, total, reason);
        }

        @Override
        public void spoolRecovered(long replay, long truncatedBytes, int truncations) {
            log.info("export {}: {} spooled events to replay from the last run ({} torn bytes cut)", name, replay,
                    truncatedBytes);
        }

        @Override
        public void sendFailed(String sender, SendException.Retriable cause) {
            long n = failures.incrementAndGet();
            if (Long.bitCount(n) == 1) {   // 1, 2, 4 ...: an outage does not flood the log
                log.warn("export {}: receiver failed ({} times so far), events are kept and retried: {}", name, n,
                        cause.getMessage());
            }
        }

        @Override
        public void refused(String sender, int records, SendException.Fatal cause) {
            log.error("export {}: receiver refused {} events for good: {}", name, records, cause.getMessage());
        }
    }
}

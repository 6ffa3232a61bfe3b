package io.vigil.exporters.syslog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A syslog receiver and how to write to it.
 *
 * @param host           the receiver (rsyslog, syslog-ng, a SIEM's collector)
 * @param port           its TCP port (6514 is the registered port for syslog over TLS, 514 for plain TCP)
 * @param transport      plain TCP or TLS
 * @param caFile         PEM file of the CA(s) that signed the receiver's certificate (TLS only; null: the
 *                       JVM's default trust store). The receiver's name must match {@code host} (hostname
 *                       verification is on)
 * @param format         the message body: the Tetragon JSON event, or CEF
 * @param facility       syslog facility, 0..23 (default 13, "log audit"; 10 is authpriv, 16..23 local0..7)
 * @param hostname       the HOSTNAME field; null or empty: the event's node_name
 * @param procId         the PROCID field (the agent's pid); null: "-"
 * @param productVersion the CEF header's Device Version
 * @param connectTimeout connect and TLS handshake timeout
 */
public record SyslogOptions(String host, int port, Transport transport, Path caFile, Format format, int facility,
                            String hostname, String procId, String productVersion, Duration connectTimeout) {

    public enum Transport { TCP, TLS }

    public enum Format { JSON, CEF }

    public static final int FACILITY_LOG_AUDIT = 13;

    public SyslogOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(format, "format");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("facility must be 0..23, not " + facility);
        }
        if (caFile != null && transport != Transport.TLS) {
            throw new IllegalArgumentException("a CA file is for TLS only");
        }
        hostname = Objects.requireNonNullElse(hostname, "");
        procId = procId == null || procId.isEmpty() ? "-" : procId;
        productVersion = Objects.requireNonNullElse(productVersion, "0.1.0");
        connectTimeout = Objects.requireNonNullElse(connectTimeout, Duration.ofSeconds(10));
    }

    /** Plain TCP, JSON bodies, facility log audit, PROCID = this JVM's pid. */
    public static SyslogOptions tcp(String host, int port, Format format) {
        return new SyslogOptions(host, port, Transport.TCP, null, format, FACILITY_LOG_AUDIT, null,
                Long.toString(ProcessHandle.current().pid()), null, null);
    }

    /** TLS trusting the CAs in {@code caFile}. */
    public static SyslogOptions tls(String host, int port, Path caFile, Format format) {
        return new SyslogOptions(host, port, Transport.TLS, caFile, format, FACILITY_LOG_AUDIT, null,
                Long.toString(ProcessHandle.current().pid()), null, null);
    }

    public SyslogOptions withHostname(String h) {
        return new SyslogOptions(host, port, transport, caFile, format, facility, h, procId, productVersion,
                connectTimeout);
    }

    public SyslogOptions withFacility(int f) {
        return new SyslogOptions(host, port, transport, caFile, format, f, hostname, procId, productVersion,
                connectTimeout);
    }
}

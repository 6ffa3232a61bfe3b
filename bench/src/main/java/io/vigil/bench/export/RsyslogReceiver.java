package io.vigil.bench.export;

import io.vigil.exporters.remote.RecordEncoder;
import io.vigil.exporters.remote.RecordSender;
import io.vigil.exporters.syslog.Rsyslog;
import io.vigil.exporters.syslog.SyslogEncoder;
import io.vigil.exporters.syslog.SyslogOptions;
import io.vigil.exporters.syslog.SyslogSender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's rsyslogd, started by the exporters' test harness (imtcp on loopback, plain or TLS with the
 * harness's self-signed certificate), writing one line per message; a run counts the lines added since
 * it began. Installs nothing: without rsyslogd the exporter is skipped.
 */
final class RsyslogReceiver implements Receiver {
    private final Rsyslog rsyslog;
    private final SyslogOptions options;
    private final LineCounter lines;
    private long baseline;

    private RsyslogReceiver(Rsyslog rsyslog, SyslogOptions options) {
        this.rsyslog = rsyslog;
        this.options = options;
        this.lines = new LineCounter(rsyslog.out);
    }

    /** Why the receiver cannot run here, or null. */
    static String missing() {
        return Files.isExecutable(Rsyslog.RSYSLOGD) ? null
                : Rsyslog.RSYSLOGD + " is not installed (apt packages rsyslog rsyslog-openssl; bin/setup --test installs them)";
    }

    static RsyslogReceiver start(Path dir, boolean tls, SyslogOptions.Format format)
            throws IOException, InterruptedException {
        Rsyslog r = new Rsyslog(dir.resolve(tls ? "rsyslog-tls" : "rsyslog-tcp"), tls).start();
        // what RemoteExportFlags.syslogOptions() builds for --export-syslog tls://... --export-syslog-ca (or tcp://)
        SyslogOptions o = tls ? SyslogOptions.tls("127.0.0.1", r.port, r.cert, format)
                : SyslogOptions.tcp("127.0.0.1", r.port, format);
        return new RsyslogReceiver(r, o);
    }

    @Override
    public String exporter() {
        return "syslog";
    }

    @Override
    public String describe() {
        return "rsyslogd (Debian, imtcp" + (options.transport() == SyslogOptions.Transport.TLS ? " + ossl TLS" : "")
                + ", omfile) on 127.0.0.1:" + options.port() + ", format " + options.format();
    }

    @Override
    public String newRun(int run) throws IOException {
        baseline = lines.lines();
        return "lines after " + baseline;
    }

    @Override
    public RecordEncoder encoder() {
        return new SyslogEncoder(options);
    }

    @Override
    public RecordSender sender() {
        return new SyslogSender(options);
    }

    @Override
    public long count() throws IOException {
        return lines.lines() - baseline;
    }

    @Override
    public long cpuNanos() {
        return ChildProcesses.cpuNanos("rsyslogd");
    }

    @Override
    public void close() throws InterruptedException {
        rsyslog.close();
    }
}

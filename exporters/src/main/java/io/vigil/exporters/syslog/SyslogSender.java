package io.vigil.exporters.syslog;

import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.RecordSender;
import io.vigil.exporters.remote.SendException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Writes {@link SyslogEncoder} messages to a syslog receiver over TCP or TLS (RFC 5425), framed by
 * octet counting (RFC 6587 section 3.4.1: {@code <length> SP <message>}), so a message may hold any
 * byte, line breaks included.
 *
 * <p>Connects on the first batch and after any failure. A batch is written whole and flushed; an I/O
 * error closes the connection and is {@link SendException.Retriable} (the exporter resends the batch,
 * with the same ids). A TLS handshake failure is Retriable too: the records stay in the spool until the
 * receiver's certificate is fixed, and each attempt says why it failed. Before a batch, a connection the
 * receiver has closed is detected (a read that sees end-of-stream) and replaced, so a batch is not
 * written into a dead socket. Syslog over TCP has no acknowledgement: records the kernel had accepted
 * when the connection broke may be lost (RELP would be needed to close that gap).
 */
public final class SyslogSender implements RecordSender {
    private final SyslogOptions options;
    private final SSLSocketFactory tls; // null for plain TCP
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private long connects;

    public SyslogSender(SyslogOptions options) {
        this.options = options;
        try {
            this.tls = options.transport() == SyslogOptions.Transport.TLS ? tlsFactory(options) : null;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("syslog TLS: cannot use the CA file " + options.caFile() + ": "
                    + e.getMessage(), e);
        }
    }

    static SSLSocketFactory tlsFactory(SyslogOptions o) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (o.caFile() == null) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            try (InputStream pem = Files.newInputStream(o.caFile())) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                    ks.setCertificateEntry("ca" + n++, c);
                }
            }
            if (n == 0) {
                throw new GeneralSecurityException("no certificate in " + o.caFile());
            }
            tmf.init(ks);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    @Override
    public void send(List<Record> batch) throws SendException {
        try {
            if (socket != null && peerClosed()) {
                disconnect();
            }
            if (socket == null) {
                connect();
            }
            for (Record r : batch) {
                out.write(Integer.toString(r.payload().length).getBytes(StandardCharsets.US_ASCII));
                out.write(' ');
                out.write(r.payload());
            }
            out.flush();
        } catch (IOException e) {
            disconnect();
            throw new SendException.Retriable("syslog " + options.transport() + " " + options.host() + ":"
                    + options.port() + ": " + e.getMessage(), e);
        }
    }

    private void connect() throws IOException {
        int timeout = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(options.host(), options.port()), timeout);
            s.setTcpNoDelay(false);
            s.setKeepAlive(true);
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(s, options.host(), options.port(), true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                ssl.setSSLParameters(params);
                ssl.setSoTimeout(timeout);
                ssl.startHandshake();
                s = ssl;
            }
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        in = s.getInputStream();
        connects++;
    }

    /** A receiver never writes to us: a read that returns end-of-stream (or fails) means it hung up. */
    private boolean peerClosed() {
        try {
            socket.setSoTimeout(1);
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void disconnect() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
        socket = null;
        out = null;
        in = null;
    }

    /** Connections made so far (1 when nothing failed). */
    public long connects() {
        return connects;
    }

    @Override
    public String name() {
        return "syslog";
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        disconnect();
    }
}

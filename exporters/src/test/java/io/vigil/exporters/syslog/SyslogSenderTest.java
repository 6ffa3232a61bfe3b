package io.vigil.exporters.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.SendException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Framing and reconnection against a receiver written here (a plain ServerSocket). */
class SyslogSenderTest {

    /** Reads one octet-counted frame: digits, a space, that many bytes; null at end of stream. */
    static String readFrame(InputStream in) throws IOException {
        ByteArrayOutputStream len = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != ' '; ) {
            if (c < 0) {
                return null;
            }
            if (c < '0' || c > '9') {
                throw new IOException("not octet-counted: " + (char) c);
            }
            len.write(c);
        }
        byte[] msg = new byte[Integer.parseInt(len.toString(StandardCharsets.US_ASCII))];
        new DataInputStream(in).readFully(msg);
        return new String(msg, StandardCharsets.UTF_8);
    }

    private static Record rec(String msg) {
        return new Record(msg, "", msg.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void framesByOctetCountingAndReconnectsAfterTheReceiverHangsUp() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            SyslogSender s = new SyslogSender(SyslogOptions.tcp("127.0.0.1", server.getLocalPort(),
                    SyslogOptions.Format.JSON));
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            Thread receiver = new Thread(() -> {
                try {
                    try (Socket first = server.accept()) { // reads two frames, then hangs up
                        InputStream in = first.getInputStream();
                        got.add(readFrame(in));
                        got.add(readFrame(in));
                    }
                    try (Socket second = server.accept()) {
                        InputStream in = second.getInputStream();
                        for (String m; (m = readFrame(in)) != null; ) {
                            got.add(m);
                        }
                    }
                } catch (IOException e) {
                    got.add("receiver failed: " + e);
                }
            });
            receiver.start();
            s.send(List.of(rec("<110>1 - h vigil - a - one"), rec("two\nwith a line break")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (got.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(100); // the receiver has closed its end
            s.send(List.of(rec("three"), rec("")));
            s.close();
            receiver.join(5000);
            assertEquals(List.of("<110>1 - h vigil - a - one", "two\nwith a line break", "three", ""), got);
            assertEquals(2, s.connects(), "the closed connection was noticed before the second batch");
        }
    }

    @Test
    void nothingListeningIsRetriable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        SyslogSender s = new SyslogSender(SyslogOptions.tcp("127.0.0.1", port, SyslogOptions.Format.CEF));
        SendException.Retriable e = assertThrows(SendException.Retriable.class, () -> s.send(List.of(rec("x"))));
        assertEquals(true, e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        s.close();
    }
}

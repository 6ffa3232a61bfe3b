package io.vigil.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Talks to a running agent over its control socket. */
public final class ControlClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlClient() {}

    /** Sends one request; throws IOException when no agent answers on path. */
    public static JsonNode call(Path path, JsonNode request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            OutputStream out = Channels.newOutputStream(ch);
            out.write(JSON.writeValueAsBytes(request));
            out.write('\n');
            out.flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line = r.readLine();
            if (line == null) {
                throw new IOException("the agent closed the control socket without answering");
            }
            return JSON.readTree(line);
        }
    }

    static boolean isAlive(Path path) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package io.vigil.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local control socket: one JSON request line in, one JSON response line out.
 * Only root can use it: the socket lives in a 0700 directory and is itself 0600. A stale socket
 * file from a crashed agent is replaced; a live agent on the same path is refused.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Handles one command; returns the response object. */
    public interface Command {
        JsonNode run(JsonNode request) throws Exception;
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Map<String, Command> commands = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    public ControlServer(Path path) throws IOException {
        this.path = path;
        Path dir = path.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (Files.exists(path)) {
            if (ControlClient.isAlive(path)) {
                throw new IOException("another agent is already listening on " + path);
            }
            Files.delete(path);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        thread = new Thread(this::serve, "vigil-control");
        thread.setDaemon(true);
    }

    public ControlServer register(String name, Command command) {
        commands.put(name, command);
        return this;
    }

    public void start() {
        thread.start();
        log.info("control socket listening on {}", path);
    }

    private void serve() {
        while (!closed) {
            try (SocketChannel ch = server.accept()) {
                handle(ch);
            } catch (IOException e) {
                if (!closed) {
                    log.warn("control socket: {}", e.toString());
                }
            }
        }
    }

    private void handle(SocketChannel ch) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        OutputStream out = Channels.newOutputStream(ch);
        String line = r.readLine();
        JsonNode response;
        try {
            JsonNode req = JSON.readTree(line == null ? "{}" : line);
            String cmd = req.path("cmd").asText("");
            Command c = commands.get(cmd);
            if (c == null) {
                response = error("unknown command '" + cmd + "'; known: " + commands.keySet());
            } else {
                response = c.run(req);
            }
        } catch (Exception e) {
            response = error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        out.write(JSON.writeValueAsBytes(response));
        out.write('\n');
        out.flush();
    }

    private static JsonNode error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        return n;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Files.deleteIfExists(path);
    }
}

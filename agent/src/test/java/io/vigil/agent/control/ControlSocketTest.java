package io.vigil.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.cli.VigilCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ControlSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void answersRegisteredCommandsAndIsRootOnly() throws Exception {
        Path sock = dir.resolve("run/vigil.sock");
        try (ControlServer server = new ControlServer(sock)) {
            server.register("status", req -> JSON.createObjectNode().put("backend", "tracepoint")).start();
            JsonNode r = ControlClient.call(sock, JSON.createObjectNode().put("cmd", "status"));
            assertEquals("tracepoint", r.get("backend").asText());
            JsonNode bad = ControlClient.call(sock, JSON.createObjectNode().put("cmd", "nope"));
            assertTrue(bad.get("error").asText().contains("unknown command 'nope'"), bad.toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())));
            IOException twice = assertThrows(IOException.class, () -> new ControlServer(sock));
            assertTrue(twice.getMessage().contains("already listening"), twice.getMessage());
        }
        assertTrue(Files.notExists(sock), "the socket file goes with the server");
    }

    @Test
    void replacesAStaleSocketFile() throws Exception {
        Path sock = dir.resolve("vigil.sock");
        Files.createFile(sock); // left behind by a crashed agent: nobody listens
        try (ControlServer server = new ControlServer(sock)) {
            server.register("status", req -> JSON.createObjectNode().put("ok", true)).start();
            assertTrue(ControlClient.call(sock, JSON.createObjectNode().put("cmd", "status")).get("ok").asBoolean());
        }
    }

    @Test
    void statusExitsNonZeroWhenNoAgentRuns() {
        int code = new CommandLine(new VigilCli()).execute("status", "--socket", dir.resolve("none.sock").toString());
        assertEquals(1, code);
    }

    @Test
    void statusPrintsTheAgentsAnswer() throws Exception {
        Path sock = dir.resolve("s/vigil.sock");
        try (ControlServer server = new ControlServer(sock)) {
            server.register("status", req -> JSON.readTree("{\"pid\":42,\"node_name\":\"n1\",\"uptime_seconds\":3,"
                    + "\"backend\":\"tracepoint\",\"backend_source\":\"forced\",\"sensors\":[{\"sensor\":\"exec\","
                    + "\"program\":\"vigil_exec_tp\",\"backend\":\"tracepoint\",\"fallback\":null}],"
                    + "\"kernel\":{\"events_sent\":10,\"ringbuf_full\":1},\"pipeline\":{\"emitted\":9},"
                    + "\"cache\":{\"entries\":5},\"lost_total\":1}")).start();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.PrintStream old = System.out;
            System.setOut(new java.io.PrintStream(out, true));
            int code;
            try {
                code = new CommandLine(new VigilCli()).execute("status", "--socket", sock.toString());
            } finally {
                System.setOut(old);
            }
            assertEquals(0, code);
            String text = out.toString();
            assertTrue(text.contains("backend:  tracepoint (forced)"), text);
            assertTrue(text.contains("exec     vigil_exec_tp"), text);
            assertTrue(text.contains("10 seen in the kernel, 9 emitted, 1 lost"), text);
        }
    }
}

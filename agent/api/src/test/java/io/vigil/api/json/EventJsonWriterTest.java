package io.vigil.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.api.Event;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventJsonWriterTest {
    private final EventJsonWriter writer = new EventJsonWriter();

    // The two processes of the example event in Tetragon's docs
    // (docs/content/en/docs/use-cases/filename-access.md, copied into
    // shared/reference/tetragon-events.md), as a process_exec instead of a process_kprobe.
    static final ProcessInfo VI = ProcessInfo.builder()
            .execId("dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MTc3MDUwMTI1NDI6NjQ3NDY=")
            .pid(64746).uid(0).cwd("/").binary("/bin/vi").arguments("/etc/passwd")
            .flags("execve rootcwd clone").startTime(Instant.parse("2024-04-14T02:18:02.240856427Z"))
            .auid(4294967295L)
            .parentExecId("dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=")
            .tid(64746).build();
    static final ProcessInfo SH = ProcessInfo.builder()
            .execId("dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=")
            .pid(64615).uid(0).cwd("/").binary("/bin/sh").flags("execve rootcwd clone")
            .startTime(Instant.parse("2024-04-14T02:17:46.240638141Z")).auid(4294967295L).tid(64615).build();

    @Test
    void processExecGoldenLine() {
        Event e = new Event("tetragon-dev-control-plane", Instant.parse("2024-04-14T02:18:02.240856427Z"),
                new ProcessExec(VI, SH));
        assertEquals("{\"process_exec\":{\"process\":{"
                + "\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MTc3MDUwMTI1NDI6NjQ3NDY=\","
                + "\"pid\":64746,\"uid\":0,\"cwd\":\"/\",\"binary\":\"/bin/vi\",\"arguments\":\"/etc/passwd\","
                + "\"flags\":\"execve rootcwd clone\",\"start_time\":\"2024-04-14T02:18:02.240856427Z\","
                + "\"auid\":4294967295,"
                + "\"parent_exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\","
                + "\"tid\":64746},"
                + "\"parent\":{\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\","
                + "\"pid\":64615,\"uid\":0,\"cwd\":\"/\",\"binary\":\"/bin/sh\",\"flags\":\"execve rootcwd clone\","
                + "\"start_time\":\"2024-04-14T02:17:46.240638141Z\",\"auid\":4294967295,\"tid\":64615}},"
                + "\"node_name\":\"tetragon-dev-control-plane\",\"time\":\"2024-04-14T02:18:02.240856427Z\"}",
                writer.toJson(e));
    }

    @Test
    void processExitWithSignalGoldenLine() {
        Instant t = Instant.parse("2024-04-14T02:18:14.376304204Z");
        Event e = new Event("tetragon-dev-control-plane", t, new ProcessExit(VI, SH, "SIGKILL", 0, t));
        assertEquals("{\"process_exit\":{\"process\":{"
                + "\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MTc3MDUwMTI1NDI6NjQ3NDY=\","
                + "\"pid\":64746,\"uid\":0,\"cwd\":\"/\",\"binary\":\"/bin/vi\",\"arguments\":\"/etc/passwd\","
                + "\"flags\":\"execve rootcwd clone\",\"start_time\":\"2024-04-14T02:18:02.240856427Z\","
                + "\"auid\":4294967295,"
                + "\"parent_exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\","
                + "\"tid\":64746},"
                + "\"parent\":{\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\","
                + "\"pid\":64615,\"uid\":0,\"cwd\":\"/\",\"binary\":\"/bin/sh\",\"flags\":\"execve rootcwd clone\","
                + "\"start_time\":\"2024-04-14T02:17:46.240638141Z\",\"auid\":4294967295,\"tid\":64615},"
                + "\"signal\":\"SIGKILL\",\"time\":\"2024-04-14T02:18:14.376304204Z\"},"
                + "\"node_name\":\"tetragon-dev-control-plane\",\"time\":\"2024-04-14T02:18:14.376304204Z\"}",
                writer.toJson(e));
    }

    @Test
    void exitStatusIsWrittenAndUnsetFieldsAreOmitted() {
        // An exit whose process was never seen: only what the kernel key gives, no parent, no signal.
        ProcessInfo bare = ProcessInfo.builder().execId("bjoxMDAwOjQy").pid(42).flags("unknown")
                .startTime(Instant.parse("2024-04-14T02:18:00Z")).build();
        Instant t = Instant.parse("2024-04-14T02:18:14.5Z");
        assertEquals("{\"process_exit\":{\"process\":{\"exec_id\":\"bjoxMDAwOjQy\",\"pid\":42,\"flags\":\"unknown\","
                        + "\"start_time\":\"2024-04-14T02:18:00Z\"},\"status\":3,\"time\":\"2024-04-14T02:18:14.500Z\"},"
                        + "\"node_name\":\"n\",\"time\":\"2024-04-14T02:18:14.500Z\"}",
                writer.toJson(new Event("n", t, new ProcessExit(bare, null, "", 3, t))));
        // status 0 and an empty signal are left out, as protojson does with zero values
        assertEquals("{\"process_exit\":{\"process\":{\"pid\":0}},\"node_name\":\"n\"}",
                writer.toJson(new Event("n", null, new ProcessExit(ProcessInfo.builder().pid(0).build(), null, "", 0, null))));
    }

    @Test
    void refcntIsWrittenOnlyWhenNonZero() {
        assertTrue(writer.toJson(new Event("n", null, new ProcessExec(VI.withRefcnt(1), null))).contains("\"refcnt\":1,\"tid\""));
        assertTrue(!writer.toJson(new Event("n", null, new ProcessExec(VI, null))).contains("refcnt"));
    }

    @Test
    void stringsAreEscapedAsGoDoes() {
        ProcessInfo p = ProcessInfo.builder().pid(1)
                .arguments("-c \"echo a\\b\" \u001b[0m\t\n\r\b\f\u0000 / < > & é 😀 \u007f").build();
        String json = writer.toJson(new Event("", null, new ProcessExec(p, null)));
        assertEquals("{\"process_exec\":{\"process\":{\"pid\":1,\"arguments\":"
                + "\"-c \\\"echo a\\\\b\\\" \\u001b[0m\\t\\n\\r\\b\\f\\u0000 / < > & é 😀 \u007f\"}}}", json);
        // and the bytes are UTF-8 with the emoji as one 4-byte sequence, as Go writes it
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        assertTrue(new String(utf8, StandardCharsets.UTF_8).contains("😀"));
    }

    @Test
    void linesAreNewlineSeparatedWithoutExtraSeparators() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = writer.newGenerator(out)) {
            writer.writeLine(g, new Event("n", null, new ProcessExec(SH, null)));
            writer.writeLine(g, new Event("n", null, new ProcessExec(VI, SH)));
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(3, lines.length);
        assertEquals("", lines[2]);
        ObjectMapper m = new ObjectMapper();
        for (int i = 0; i < 2; i++) {
            JsonNode n = m.readTree(lines[i]);
            assertTrue(n.has("process_exec"), lines[i]);
        }
    }

    @Test
    void throughputOfExecEvents() throws Exception {
        Event e = new Event("tetragon-dev-control-plane", Instant.parse("2024-04-14T02:18:02.240856427Z"),
                new ProcessExec(VI, SH));
        OutputStream sink = OutputStream.nullOutputStream();
        int n = 500_000;
        double best = Double.MAX_VALUE;
        try (JsonGenerator g = writer.newGenerator(sink)) {
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    writer.writeLine(g, e);
                }
                g.flush();
                best = Math.min(best, (System.nanoTime() - t0) / (double) n);
            }
        }
        int bytes = writer.toJson(e).length() + 1;
        System.out.printf("EventJsonWriter: process_exec with parent, %d bytes/line: %.0f ns/event (best of 5 x %d)%n",
                bytes, best, n);
        assertTrue(best < 10_000, "far slower than the 2 us target: " + best + " ns/event");
    }
}

package io.vigil.exporters.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.Event;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessInfo;
import io.vigil.api.json.EventJsonWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileExporterTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final EventJsonWriter writer = new EventJsonWriter();

    private static Event event(int pid) {
        ProcessInfo p = ProcessInfo.builder().execId("id" + pid).pid(pid).binary("/bin/true")
                .startTime(Instant.parse("2024-04-14T02:18:02Z")).build();
        return new Event("node", Instant.parse("2024-04-14T02:18:03Z"), new ProcessExec(p, null));
    }

    private JsonFileExporter exporter(Path file) {
        return new JsonFileExporter(file, writer, clock::get, 100 * MS);
    }

    @Test
    void eventsReachTheFileOnFlushAsOneLineEach(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        try (JsonFileExporter x = exporter(file)) {
            x.accept(event(1));
            x.accept(event(2));
            assertEquals(0, Files.size(file), "buffered until flushed");
            x.flush();
            List<String> lines = Files.readAllLines(file);
            assertEquals(List.of(writer.toJson(event(1)), writer.toJson(event(2))), lines);
        }
    }

    @Test
    void flushesWhenTheOldestBufferedEventIsDue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        try (JsonFileExporter x = exporter(file)) {
            x.accept(event(1));
            clock.addAndGet(99 * MS);
            x.flushIfDue(clock.get());
            assertEquals(0, Files.size(file));
            clock.addAndGet(1 * MS);
            x.accept(event(2)); // the first event has now waited 100 ms: this accept flushes both
            assertEquals(2, Files.readAllLines(file).size());
            x.accept(event(3));
            clock.addAndGet(100 * MS);
            x.flushIfDue(clock.get()); // the pipeline's idle tick
            assertEquals(3, Files.readAllLines(file).size());
        }
    }

    @Test
    void closeFlushesAppendsAndIsIdempotent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        JsonFileExporter x = exporter(file);
        x.accept(event(1));
        x.close();
        x.close();
        assertThrows(IllegalStateException.class, () -> x.accept(event(9)));
        try (JsonFileExporter y = exporter(file)) { // reopening appends
            y.accept(event(2));
        }
        assertEquals(2, Files.readAllLines(file).size());
        assertTrue(Files.readAllLines(file).get(1).contains("\"pid\":2"));
    }

    @Test
    void aNewFileIsPrivate(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        exporter(file).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aMissingDirectoryIsAnUncheckedError(@TempDir Path dir) {
        assertThrows(java.io.UncheckedIOException.class, () -> exporter(dir.resolve("no/such/dir/events.json")));
    }
}

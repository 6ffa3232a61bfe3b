package io.vigil.exporters.file;

import static io.vigil.exporters.TestEvents.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.json.EventJsonWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "File rotation" test: size and interval triggers, backup count, gzip readable, permissions. */
class FileRotationTest {
    private final FakeClock clock = new FakeClock();
    private final EventJsonWriter writer = new EventJsonWriter();

    private JsonFileExporter exporter(Path file, FileExportOptions o) {
        return new JsonFileExporter(file, o, writer, clock, clock, Runnable::run, 1_000_000_000L);
    }

    private static FileExportOptions rotating(long maxBytes, Duration interval, int backups, boolean gzip) {
        return FileExportOptions.DEFAULTS.withRotation(new RotationPolicy(maxBytes, interval, backups, gzip));
    }

    /** Backups oldest first, then the current file: every line, in order. */
    private static List<String> allLines(Path dir, Path file) throws Exception {
        List<String> out = new ArrayList<>();
        for (List<Path> b : new BackupFiles(file).list()) {
            out.addAll(read(b.get(0)));
        }
        out.addAll(read(file));
        return out;
    }

    private static List<String> read(Path p) throws Exception {
        if (p.toString().endsWith(".gz")) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    new GzipCompressorInputStream(Files.newInputStream(p)), StandardCharsets.UTF_8))) {
                return r.lines().collect(Collectors.toList());
            }
        }
        return Files.readAllLines(p);
    }

    private static List<Path> backups(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals("events.json")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void sizeTriggerNeverSplitsOrLosesALine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        int lineLen = writer.toJson(exec(1000, "/usr/bin/curl", "https://example.org")).length() + 1;
        long max = lineLen * 10L + lineLen / 2; // 10.5 lines: the 11th must go to the next file
        List<String> expected = new ArrayList<>();
        try (JsonFileExporter x = exporter(file, rotating(max, Duration.ZERO, 0, false))) {
            for (int i = 0; i < 95; i++) {
                x.accept(exec(1000 + i, "/usr/bin/curl", "https://example.org"));
                expected.add(writer.toJson(exec(1000 + i, "/usr/bin/curl", "https://example.org")));
                clock.advance(Duration.ofMillis(1)); // distinct backup names
            }
            assertEquals(9, x.stats().rotations.sum());
        }
        List<Path> backups = backups(dir);
        assertEquals(9, backups.size(), backups.toString());
        for (Path b : backups) {
            assertTrue(Files.size(b) <= max, b + " over the limit");
            assertEquals(10, Files.readAllLines(b).size());
            assertTrue(b.getFileName().toString().matches("events-2026-12-05T12-00-00\\.\\d{3}\\.json"), b.toString());
        }
        assertEquals(expected, allLines(dir, file), "every line once, whole, in order");
    }

    @Test
    void aLineLongerThanTheLimitIsWrittenWholeInAFreshFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        try (JsonFileExporter x = exporter(file, rotating(100, Duration.ZERO, 0, false))) {
            x.accept(exec(1, "/bin/a", "x".repeat(300)));
            clock.advance(Duration.ofMillis(1));
            x.accept(exec(2, "/bin/b", "y".repeat(300)));
        }
        assertEquals(1, backups(dir).size());
        assertEquals(1, Files.readAllLines(file).size());
        assertTrue(Files.readAllLines(file).get(0).contains("\"pid\":2"));
    }

    @Test
    void intervalTriggerRotatesOnTheInjectedClock(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        try (JsonFileExporter x = exporter(file, rotating(0, Duration.ofMinutes(10), 0, false))) {
            x.accept(exec(1, "/bin/a", ""));
            clock.advance(Duration.ofMinutes(9));
            x.accept(exec(2, "/bin/a", ""));
            assertEquals(0, backups(dir).size(), "not yet");
            clock.advance(Duration.ofMinutes(1));
            x.flushIfDue(clock.getAsLong());
            x.flush(); // the pipeline's flush: due interval rotates here
            assertEquals(1, backups(dir).size());
            x.accept(exec(3, "/bin/a", ""));
            clock.advance(Duration.ofMinutes(25)); // nothing but one event in 25 min: one rotation, not two
            x.accept(exec(4, "/bin/a", ""));
        }
        List<Path> b = backups(dir);
        assertEquals(2, b.size(), b.toString());
        assertEquals(2, Files.readAllLines(b.get(0)).size());
        assertEquals(1, Files.readAllLines(b.get(1)).size());
        assertEquals(1, Files.readAllLines(file).size());
        assertEquals("events-2026-12-05T12-10-00.000.json", b.get(0).getFileName().toString());
    }

    @Test
    void anEmptyFileIsNotRotatedByTheInterval(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        try (JsonFileExporter x = exporter(file, rotating(0, Duration.ofSeconds(1), 0, false))) {
            clock.advance(Duration.ofSeconds(5));
            x.flush();
        }
        assertEquals(0, backups(dir).size());
    }

    @Test
    void maxBackupsRemovesTheOldest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        try (JsonFileExporter x = exporter(file, rotating(0, Duration.ofMinutes(1), 3, false))) {
            for (int i = 0; i < 7; i++) {
                x.accept(exec(100 + i, "/bin/a", ""));
                clock.advance(Duration.ofMinutes(1));
            }
            x.accept(exec(200, "/bin/a", ""));
            assertEquals(7, x.stats().rotations.sum());
            assertEquals(4, x.stats().backupsRemoved.sum());
        }
        List<Path> b = backups(dir);
        assertEquals(3, b.size(), b.toString());
        assertTrue(Files.readString(b.get(0)).contains("\"pid\":104"), "the three newest: 104, 105, 106");
        assertTrue(Files.readString(b.get(2)).contains("\"pid\":106"));
    }

    @Test
    void rotatedFilesAreGzippedReadableAndPrivate(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        List<String> expected = new ArrayList<>();
        try (JsonFileExporter x = exporter(file, rotating(2000, Duration.ZERO, 0, true))) {
            for (int i = 0; i < 60; i++) {
                x.accept(exec(i + 1, "/usr/bin/ssh", "host" + i));
                expected.add(writer.toJson(exec(i + 1, "/usr/bin/ssh", "host" + i)));
                clock.advance(Duration.ofMillis(3));
            }
            assertTrue(x.stats().compressed.sum() > 0);
            assertEquals(x.stats().rotations.sum(), x.stats().compressed.sum());
        }
        List<Path> b = backups(dir);
        assertFalse(b.isEmpty());
        for (Path p : b) {
            assertTrue(p.toString().endsWith(".json.gz"), p + " (no plain backup left, no .tmp)");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
        assertEquals(expected, allLines(dir, file));
    }

    @Test
    void gzipAndPruningRunOnTheBackgroundThreadAndCloseWaitsForThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        FileExportOptions o = rotating(500, Duration.ZERO, 2, true);
        try (JsonFileExporter x = new JsonFileExporter(file, o, writer, clock, clock, null, 1_000_000_000L)) {
            for (int i = 0; i < 40; i++) {
                x.accept(exec(i + 1, "/bin/a", "z".repeat(100)));
                clock.advance(Duration.ofMillis(1));
            }
        }
        List<Path> b = backups(dir);
        assertEquals(2, b.size(), b.toString());
        assertTrue(b.stream().allMatch(p -> p.toString().endsWith(".gz")));
    }

    @Test
    void permissionsFollowTheFlagForTheFileAndItsBackups(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        FileExportOptions o = rotating(0, Duration.ofSeconds(1), 0, false).withPermissions(FilePermissions.parse("640"));
        try (JsonFileExporter x = exporter(file, o)) {
            x.accept(exec(1, "/bin/a", ""));
            clock.advance(Duration.ofSeconds(1));
            x.accept(exec(2, "/bin/a", ""));
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(backups(dir).get(0))));
    }
}

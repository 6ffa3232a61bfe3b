package io.vigil.exporters.file;

import static io.vigil.exporters.TestEvents.exec;
import static io.vigil.exporters.TestEvents.kprobe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.json.EventJsonWriter;
import io.vigil.exporters.filter.ExportFilter;
import io.vigil.exporters.filter.FieldFilters;
import io.vigil.exporters.filter.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filters, redaction, field filters and the rate limit, applied by the exporter to what lands in the file. */
class ExportPipelineTest {
    private final FakeClock clock = new FakeClock();
    private final EventJsonWriter writer = new EventJsonWriter();

    private JsonFileExporter exporter(Path file, FileExportOptions o) {
        return new JsonFileExporter(file, o.withRotation(RotationPolicy.none()), writer, clock, clock, Runnable::run,
                1_000_000_000L);
    }

    @Test
    void anExportLossAlertPassesTheFiltersFieldFiltersAndTheLimit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        FileExportOptions o = FileExportOptions.DEFAULTS.withRateLimit(1)
                .withFilter(ExportFilter.parse("{\"event_set\":[\"PROCESS_KPROBE\"]}", "{\"binary_regex\":[\".*\"]}"))
                .withFieldFilters(FieldFilters.parse("{\"fields\":\"process.pid\",\"action\":\"INCLUDE\"}"));
        io.vigil.api.Event alert = new io.vigil.api.Event("node", java.time.Instant.EPOCH, new io.vigil.api.ExportLoss(
                "kafka", io.vigil.api.ExportLoss.Reason.SPOOL_FULL, 3, 3, java.time.Instant.EPOCH));
        try (JsonFileExporter x = exporter(file, o)) {
            x.accept(exec(1, "/bin/a", "")); // filtered out
            x.accept(alert);
            x.accept(alert); // past the limit of 1 a minute too
            assertEquals(1, x.stats().filtered.sum());
            assertEquals(2, x.stats().written.sum());
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{\"export_loss\":{\"exporter\":\"kafka\",\"reason\":\"spool_full\",\"lost\":\"3\""),
                "whole, whatever the field filters: " + lines.get(0));
    }

    @Test
    void filteredEventsAreCountedApartFromLostOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        FileExportOptions o = FileExportOptions.DEFAULTS.withFilter(ExportFilter.parse(
                "{\"event_set\":[\"PROCESS_EXEC\"]}\n{\"policy_names\":[\"credential-files\"]}",
                "{\"binary_regex\":[\"^/usr/bin/ls$\"]}"));
        try (JsonFileExporter x = exporter(file, o)) {
            x.accept(exec(1, "/usr/bin/curl", ""));            // allowed
            x.accept(exec(2, "/usr/bin/ls", ""));              // denied: deny wins
            x.accept(kprobe(3, "/bin/cat", "credential-files")); // allowed by line 2
            x.accept(kprobe(4, "/bin/cat", "other"));          // not allowed
            assertEquals(2, x.stats().written.sum());
            assertEquals(2, x.stats().filtered.sum());
            assertEquals(0, x.stats().lost());
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).contains("\"pid\":1,"));
        assertTrue(lines.get(1).contains("\"policy_name\":\"credential-files\""));
    }

    @Test
    void redactionReachesTheFileAndFiltersSeeRedactedArguments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        FileExportOptions o = FileExportOptions.DEFAULTS
                .withRedactor(Redactor.parse("{\"redact\":[\"--password=(\\\\S+)\"]}"))
                .withFilter(ExportFilter.parse(null, "{\"arguments_regex\":[\"hunter2\"]}"));
        try (JsonFileExporter x = exporter(file, o)) {
            x.accept(exec(1, "/usr/bin/mysql", "--user=a --password=hunter2"));
            x.accept(exec(2, "/usr/bin/mysql", "--user=a"));
        }
        String all = Files.readString(file);
        assertFalse(all.contains("hunter2"));
        assertTrue(all.contains("\"arguments\":\"--user=a --password=*****\""), all);
        assertEquals(2, Files.readAllLines(file).size(), "the deny on the secret no longer matches once redacted");
    }

    @Test
    void fieldFiltersShapeTheLineAndKeepTheEnvelope(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        FileExportOptions o = FileExportOptions.DEFAULTS.withFieldFilters(FieldFilters.parse(
                "{\"event_set\":[\"PROCESS_EXEC\"],\"fields\":\"process.binary,process.pid\",\"action\":\"INCLUDE\"}"));
        try (JsonFileExporter x = exporter(file, o)) {
            x.accept(exec(7, "/usr/bin/curl", "https://example.org"));
            x.accept(kprobe(8, "/bin/cat", "p"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals("{\"process_exec\":{\"process\":{\"pid\":7,\"binary\":\"/usr/bin/curl\"}},"
                + "\"node_name\":\"node\",\"time\":\"2024-04-14T02:18:03Z\"}", lines.get(0));
        assertEquals(writer.toJson(kprobe(8, "/bin/cat", "p")), lines.get(1), "other types untouched, byte for byte");
    }

    @Test
    void rateLimitDropsCountsAndReportsInTetragonsShape(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.json");
        try (JsonFileExporter x = exporter(file, FileExportOptions.DEFAULTS.withRateLimit(10))) {
            for (int i = 0; i < 25; i++) {
                x.accept(exec(i + 1, "/bin/a", ""));
            }
            assertEquals(10, x.stats().written.sum());
            assertEquals(15, x.stats().rateLimited.sum());
            clock.advance(Duration.ofSeconds(30)); // half a minute: 5 tokens back, no report yet
            for (int i = 0; i < 6; i++) {
                x.accept(exec(100 + i, "/bin/a", ""));
            }
            assertEquals(15, x.stats().written.sum());
            assertEquals(0, x.stats().rateLimitInfos.sum());
            clock.advance(Duration.ofSeconds(30));
            x.accept(exec(200, "/bin/a", "")); // a minute since the limiter started: report 16 drops first
            assertEquals(1, x.stats().rateLimitInfos.sum());
            for (int i = 0; i < 20; i++) {
                x.accept(exec(300 + i, "/bin/a", ""));
            }
        } // close reports the drops not yet reported
        List<String> lines = Files.readAllLines(file);
        List<String> infos = lines.stream().filter(l -> l.startsWith("{\"rate_limit_info\"")).toList();
        assertEquals(2, infos.size(), lines.toString());
        assertEquals("{\"rate_limit_info\":{\"number_of_dropped_process_events\":\"16\"},\"node_name\":\"node\","
                + "\"time\":\"2026-12-05T12:01:00Z\"}", infos.get(0));
        assertTrue(lines.get(15).startsWith("{\"rate_limit_info\""), "written where the report fell due");
        long dropped = infos.stream().mapToLong(l -> Long.parseLong(l.replaceAll(".*events\":\"(\\d+)\".*", "$1"))).sum();
        long events = lines.size() - infos.size();
        assertEquals(25 + 6 + 1 + 20, events + dropped, "every event is either in the file or counted in a report");
    }

    @Test
    void aRejectedOptionSaysWhichFlag() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FileExportOptions.DEFAULTS.withRateLimit(0));
        assertTrue(e.getMessage().startsWith("--export-rate-limit"));
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FilePermissions.parse("rw-------"));
        assertTrue(e.getMessage().startsWith("--export-file-perm"));
    }
}

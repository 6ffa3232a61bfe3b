package io.vigil.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.exporters.file.FileExportOptions;
import io.vigil.exporters.filter.FilterSyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExportFileFlagsTest {
    private static ExportFileFlags flags(String... args) {
        ExportFileFlags f = new ExportFileFlags();
        new CommandLine(f).parseArgs(args);
        return f;
    }

    @Test
    void defaultsAreTetragons() throws Exception {
        FileExportOptions o = flags().parse();
        assertEquals(10L << 20, o.rotation().maxSizeBytes());
        assertEquals(Duration.ZERO, o.rotation().interval());
        assertEquals(5, o.rotation().maxBackups());
        assertEquals(-1, o.rateLimitPerMin());
        assertTrue(o.filter().isAllowAll());
    }

    @Test
    void everyFlagParses(@TempDir Path dir) throws Exception {
        Path deny = dir.resolve("deny.jsonl");
        Files.writeString(deny, "{\"binary_regex\":[\"^/usr/bin/ls$\"]}\n{\"pid\":[1]}\n");
        FileExportOptions o = flags("--export-file-max-size-mb", "50", "--export-file-rotation-interval", "1h30m",
                "--export-file-max-backups", "3", "--export-file-compress", "--export-file-perm", "640",
                "--export-rate-limit", "6000", "--export-allowlist", "{\"event_set\":[\"PROCESS_EXEC\"]}",
                "--export-denylist", deny.toString(), "--field-filters",
                "{\"fields\":\"parent\",\"action\":\"EXCLUDE\"}", "--redaction-filters", "{\"redact\":[\"-p (\\\\S+)\"]}")
                .parse();
        assertEquals(50L << 20, o.rotation().maxSizeBytes());
        assertEquals(Duration.ofMinutes(90), o.rotation().interval());
        assertEquals(3, o.rotation().maxBackups());
        assertTrue(o.rotation().compress());
        assertEquals(6000, o.rateLimitPerMin());
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"), o.permissions());
    }

    @Test
    void badValuesNameTheFlag() {
        IllegalArgumentException e = assertThrows(FilterSyntaxException.class,
                () -> flags("--export-denylist", "{\"pid\":[1]}\n{\"bin\":1}").parse());
        assertTrue(e.getMessage().startsWith("--export-denylist line 2: unknown key \"bin\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> flags("--export-file-rotation-interval", "1d").parse());
        assertTrue(e.getMessage().startsWith("--export-file-rotation-interval"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> flags("--export-file-perm", "999").parse());
        assertTrue(e.getMessage().startsWith("--export-file-perm"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> flags("--export-rate-limit", "0").parse());
        assertTrue(e.getMessage().startsWith("--export-rate-limit"), e.getMessage());
    }
}

package io.vigil.agent.cli;

import io.vigil.exporters.file.FileExportOptions;
import io.vigil.exporters.file.FilePermissions;
import io.vigil.exporters.file.GoDuration;
import io.vigil.exporters.file.RotationPolicy;
import io.vigil.exporters.filter.ExportFilter;
import io.vigil.exporters.filter.FieldFilters;
import io.vigil.exporters.filter.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * `vigil run`'s flags for the JSON export file, named and defaulted as Tetragon's. The filter flags
 * take Tetragon's JSON lines, or the path of a file holding them (a value not starting with '{').
 * Not {@code @FILE}: picocli expands {@code @FILE} arguments itself.
 */
final class ExportFileFlags {
    @Option(names = "--export-file-max-size-mb", paramLabel = "MB",
            description = "rotate the export file before it grows past this size (default: ${DEFAULT-VALUE}; 0 = no size limit)")
    long maxSizeMb = 10;

    @Option(names = "--export-file-rotation-interval", paramLabel = "DURATION",
            description = "also rotate after this long, e.g. 1h, 24h (default: ${DEFAULT-VALUE} = off)")
    String rotationInterval = "0";

    @Option(names = "--export-file-max-backups", paramLabel = "N",
            description = "rotated files to keep, oldest removed first (default: ${DEFAULT-VALUE}; 0 = keep all)")
    int maxBackups = 5;

    @Option(names = "--export-file-compress", description = "gzip rotated files (default: ${DEFAULT-VALUE})")
    boolean compress;

    @Option(names = "--export-file-perm", paramLabel = "MODE",
            description = "octal mode of the export file and its backups (default: ${DEFAULT-VALUE})")
    String perm = "600";

    @Option(names = "--export-rate-limit", paramLabel = "N",
            description = "at most N events a minute to the file; drops are reported by rate_limit_info events (default: ${DEFAULT-VALUE} = no limit)")
    long rateLimit = -1;

    @Option(names = "--export-allowlist", paramLabel = "JSON|FILE",
            description = "export only events matching a line: one JSON filter per line, keys ANDed, lines ORed, e.g. "
                    + "'{\"event_set\":[\"PROCESS_EXEC\"],\"binary_regex\":[\"^/usr/bin/\"]}'")
    String allowlist;

    @Option(names = "--export-denylist", paramLabel = "JSON|FILE",
            description = "never export events matching a line (wins over the allowlist)")
    String denylist;

    @Option(names = "--field-filters", paramLabel = "JSON|FILE",
            description = "include/exclude fields, e.g. '{\"event_set\":[\"PROCESS_EXEC\"],\"fields\":\"process.binary,process.pid\",\"action\":\"INCLUDE\"}'")
    String fieldFilters;

    @Option(names = "--redaction-filters", paramLabel = "JSON|FILE",
            description = "replace regex capture groups in arguments with *****, e.g. '{\"redact\":[\"--password[= ](\\\\S+)\"]}'")
    String redactionFilters;

    /** The parsed options; {@link IllegalArgumentException} (naming the flag and line) when one is wrong. */
    FileExportOptions parse() throws IOException {
        if (maxSizeMb < 0) {
            throw new IllegalArgumentException("--export-file-max-size-mb: expected megabytes >= 0, not " + maxSizeMb);
        }
        if (maxBackups < 0) {
            throw new IllegalArgumentException("--export-file-max-backups: expected a count >= 0, not " + maxBackups);
        }
        RotationPolicy rotation = new RotationPolicy(maxSizeMb << 20,
                GoDuration.parse("--export-file-rotation-interval", rotationInterval), maxBackups, compress);
        return new FileExportOptions(rotation, FilePermissions.parse(perm), rateLimit,
                ExportFilter.parse(text("--export-allowlist", allowlist), text("--export-denylist", denylist)),
                FieldFilters.parse(text("--field-filters", fieldFilters)),
                Redactor.parse(text("--redaction-filters", redactionFilters)));
    }

    private static String text(String flag, String v) throws IOException {
        if (v != null && !v.isBlank() && !v.stripLeading().startsWith("{")) {
            Path file = Path.of(v);
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException(flag + ": \"" + v + "\" is neither JSON (a line starting with '{')"
                        + " nor a readable file");
            }
            return Files.readString(file);
        }
        return v;
    }
}

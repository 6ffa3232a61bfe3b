package io.vigil.exporters.file;

import io.vigil.exporters.filter.ExportFilter;
import io.vigil.exporters.filter.FieldFilters;
import io.vigil.exporters.filter.Redactor;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the JSON file exporter is configured with, parsed: Tetragon's export flags.
 *
 * @param rotation         size, interval, backups, compression
 * @param permissions      of the export file and its backups ({@code --export-file-perm}, 600)
 * @param rateLimitPerMin  {@code --export-rate-limit}; -1 = unlimited
 * @param filter           {@code --export-allowlist} / {@code --export-denylist}
 * @param fieldFilters     {@code --field-filters}
 * @param redactor         {@code --redaction-filters}
 */
public record FileExportOptions(RotationPolicy rotation, Set<PosixFilePermission> permissions, long rateLimitPerMin,
                                ExportFilter filter, FieldFilters fieldFilters, Redactor redactor) {

    /** Tetragon's defaults: 10 MB, 5 backups, no interval, no compression, 600, no limit, no filters. */
    public static final FileExportOptions DEFAULTS = new FileExportOptions(RotationPolicy.TETRAGON_DEFAULTS,
            FilePermissions.DEFAULT, -1, ExportFilter.ALLOW_ALL, FieldFilters.NONE, Redactor.NONE);

    public FileExportOptions {
        Objects.requireNonNull(rotation, "rotation");
        permissions = Set.copyOf(permissions);
        if (rateLimitPerMin == 0 || rateLimitPerMin < -1) {
            throw new IllegalArgumentException("--export-rate-limit: expected events per minute > 0, or -1 for"
                    + " no limit, not " + rateLimitPerMin);
        }
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(fieldFilters, "fieldFilters");
        Objects.requireNonNull(redactor, "redactor");
    }

    public FileExportOptions withRotation(RotationPolicy r) {
        return new FileExportOptions(r, permissions, rateLimitPerMin, filter, fieldFilters, redactor);
    }

    public FileExportOptions withRateLimit(long perMinute) {
        return new FileExportOptions(rotation, permissions, perMinute, filter, fieldFilters, redactor);
    }

    public FileExportOptions withFilter(ExportFilter f) {
        return new FileExportOptions(rotation, permissions, rateLimitPerMin, f, fieldFilters, redactor);
    }

    public FileExportOptions withFieldFilters(FieldFilters f) {
        return new FileExportOptions(rotation, permissions, rateLimitPerMin, filter, f, redactor);
    }

    public FileExportOptions withRedactor(Redactor r) {
        return new FileExportOptions(rotation, permissions, rateLimitPerMin, filter, fieldFilters, r);
    }

    public FileExportOptions withPermissions(Set<PosixFilePermission> p) {
        return new FileExportOptions(rotation, p, rateLimitPerMin, filter, fieldFilters, redactor);
    }
}

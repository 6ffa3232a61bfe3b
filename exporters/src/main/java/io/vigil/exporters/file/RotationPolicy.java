package io.vigil.exporters.file;

import java.time.Duration;

/**
 * When the export file is rotated (Tetragon's lumberjack settings): before a line that would take it
 * past {@code maxSizeBytes}, and when it has been open for {@code interval}. Rotation happens between
 * lines, never inside one; a line longer than the limit is written whole into a fresh file.
 *
 * @param maxSizeBytes {@code --export-file-max-size-mb} in bytes; 0 = no size limit
 * @param interval     {@code --export-file-rotation-interval}; {@link Duration#ZERO} = none
 * @param maxBackups   {@code --export-file-max-backups}: rotated files kept, oldest removed; 0 = keep all
 * @param compress     {@code --export-file-compress}: gzip rotated files
 */
public record RotationPolicy(long maxSizeBytes, Duration interval, int maxBackups, boolean compress) {
    /** Tetragon's defaults: 10 MB, no interval, 5 backups, no compression. */
    public static final RotationPolicy TETRAGON_DEFAULTS = new RotationPolicy(10L << 20, Duration.ZERO, 5, false);

    public RotationPolicy {
        if (maxSizeBytes < 0) {
            throw new IllegalArgumentException("max size must be >= 0 (0 = no limit), not " + maxSizeBytes);
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("rotation interval must be >= 0, not " + interval);
        }
        if (maxBackups < 0) {
            throw new IllegalArgumentException("max backups must be >= 0 (0 = keep all), not " + maxBackups);
        }
    }

    /** Never rotates. */
    public static RotationPolicy none() {
        return new RotationPolicy(0, Duration.ZERO, 0, false);
    }

    /** A non-empty file of {@code size} bytes must be rotated before a line of {@code lineLength} bytes. */
    public boolean sizeExceeded(long size, int lineLength) {
        return maxSizeBytes > 0 && size > 0 && size + lineLength > maxSizeBytes;
    }

    /** The file, opened at {@code openedNanos}, is due for rotation at {@code nowNanos}. */
    public boolean intervalElapsed(long openedNanos, long nowNanos) {
        return !interval.isZero() && nowNanos - openedNanos >= interval.toNanos();
    }
}

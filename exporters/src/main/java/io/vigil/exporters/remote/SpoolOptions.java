package io.vigil.exporters.remote;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how much the {@link DiskSpool} keeps.
 *
 * @param directory    the spool's own directory (created if missing; one exporter per directory)
 * @param maxBytes     the most the segment files may hold together; past it, records are refused (and
 *                     the exporter counts them as lost and raises an alert)
 * @param segmentBytes the size at which a new segment file starts; a segment is deleted once every
 *                     record in it is acknowledged, so smaller segments free space sooner
 * @param fsync        when data reaches the disk, see {@link FsyncPolicy}
 */
public record SpoolOptions(Path directory, long maxBytes, long segmentBytes, FsyncPolicy fsync) {

    /** 1 GiB in 64 MiB segments, fsync every second. */
    public static SpoolOptions defaults(Path directory) {
        return new SpoolOptions(directory, 1L << 30, 64L << 20, FsyncPolicy.interval(java.time.Duration.ofSeconds(1)));
    }

    public SpoolOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segmentBytes must be >= 1024, not " + segmentBytes);
        }
        if (maxBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException("maxBytes (" + maxBytes + ") must be at least two segments ("
                    + 2 * segmentBytes + "): the segment being written is only freed once the next one starts");
        }
    }

    public SpoolOptions withMaxBytes(long max) {
        return new SpoolOptions(directory, max, segmentBytes, fsync);
    }

    public SpoolOptions withSegmentBytes(long bytes) {
        return new SpoolOptions(directory, maxBytes, bytes, fsync);
    }

    public SpoolOptions withFsync(FsyncPolicy policy) {
        return new SpoolOptions(directory, maxBytes, segmentBytes, policy);
    }
}

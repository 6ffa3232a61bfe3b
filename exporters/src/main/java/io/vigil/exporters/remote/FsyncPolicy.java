package io.vigil.exporters.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * When the {@link DiskSpool} forces its data to the disk ({@code fsync}). Every append is a
 * {@code write(2)} straight to the segment file (no buffer in the JVM), so a {@code kill -9} of the
 * agent loses nothing that was spooled, whatever the policy: the page cache outlives the process. The
 * policy only decides what a power cut or kernel crash may take:
 *
 * <ul>
 *   <li>{@link Mode#EVERY_APPEND}: each record is forced before {@code append} returns. Nothing spooled
 *       is lost, but each overflowing event costs a disk flush on the caller's thread (milliseconds on
 *       a disk, far less on NVMe with a write cache).</li>
 *   <li>{@link Mode#INTERVAL} (the default, 1 s): the sender thread forces the data at most
 *       {@code interval} after it was written, and on {@code flush()} and {@code close()}; a power cut
 *       loses at most that interval of spooled records.</li>
 *   <li>{@link Mode#NEVER}: forced on {@code close()} only; the kernel writes back on its own (about 30 s).</li>
 * </ul>
 *
 * The read cursor is never forced before a rename: a cursor that a power cut takes back only makes the
 * spool replay records the receiver already has, which their ids make harmless.
 */
public record FsyncPolicy(Mode mode, Duration interval) {

    public enum Mode { EVERY_APPEND, INTERVAL, NEVER }

    public FsyncPolicy {
        Objects.requireNonNull(mode, "mode");
        interval = Objects.requireNonNullElse(interval, Duration.ZERO);
        if (mode == Mode.INTERVAL && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("an INTERVAL fsync policy needs an interval > 0, not " + interval);
        }
    }

    public static FsyncPolicy everyAppend() {
        return new FsyncPolicy(Mode.EVERY_APPEND, Duration.ZERO);
    }

    public static FsyncPolicy interval(Duration interval) {
        return new FsyncPolicy(Mode.INTERVAL, interval);
    }

    public static FsyncPolicy never() {
        return new FsyncPolicy(Mode.NEVER, Duration.ZERO);
    }

    /** Parses {@code always}, {@code never}, or a duration in Go syntax such as {@code 1s}, {@code 250ms}. */
    public static FsyncPolicy parse(String s) {
        return switch (s) {
            case "always", "every-append" -> everyAppend();
            case "never" -> never();
            default -> interval(io.vigil.exporters.file.GoDuration.parse("spool-fsync", s));
        };
    }
}

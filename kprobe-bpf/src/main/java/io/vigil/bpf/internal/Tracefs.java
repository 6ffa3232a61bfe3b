package io.vigil.bpf.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libbpf attaches tracepoint (and legacy kprobe) programs through tracefs: it reads the event id
 * from {@code /sys/kernel/tracing/events/CAT/NAME/id} (or under /sys/kernel/debug/tracing when
 * debugfs is mounted). A machine without systemd may not have tracefs mounted; as root we mount
 * it where systemd would, once, and leave it mounted.
 */
public final class Tracefs {
    private static final Logger log = LoggerFactory.getLogger(Tracefs.class);
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    public static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");

    private Tracefs() {}

    /** The tracing directory libbpf will use, or null when none is mounted. */
    public static Path mounted() {
        if (Files.isDirectory(DEBUGFS_TRACING.resolve("events"))) {
            return DEBUGFS_TRACING;
        }
        if (Files.isDirectory(TRACEFS.resolve("events"))) {
            return TRACEFS;
        }
        return null;
    }

    /**
     * Makes sure tracefs is mounted; returns null when it is, else why it could not be mounted
     * (the caller goes on and lets libbpf report ENOENT).
     */
    public static synchronized String ensureMounted() {
        if (mounted() != null) {
            return null;
        }
        if (!Files.isDirectory(TRACEFS)) {
            return "no " + TRACEFS + " directory (kernel without tracefs?)";
        }
        int r = Native.libc().mount("nodev", TRACEFS.toString(), "tracefs", 0L, null);
        if (r != 0) {
            int e = Native.errno();
            return "tracefs is not mounted and mounting it at " + TRACEFS + " failed: " + Errno.describe(e)
                    + "; mount it: mount -t tracefs nodev " + TRACEFS;
        }
        log.info("mounted tracefs at {} (libbpf reads tracepoint ids from it)", TRACEFS);
        return null;
    }
}

package io.vigil.enforcement.fanotify.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * What an event's fd refers to: the path from readlink(/proc/self/fd/N) and (st_dev, st_ino) from
 * fstat. Neither opens the file, so neither makes a fanotify event. st_dev is in stat's encoding
 * (makedev), not the kernel's s_dev.
 */
public final class EventFile {
    /** sizeof(struct stat) is 144 on x86_64 and 128 on arm64; room for both. */
    private static final int STAT_BUFFER = 256;
    private static final int ST_DEV = 0;
    private static final int ST_INO = 8;

    private final FanotifyLibC libc = FanotifyNative.libc();
    private final ThreadLocal<Pointer> statBuf =
            ThreadLocal.withInitial(() -> Memory.allocateDirect(FanotifyNative.runtime(), STAT_BUFFER));

    /** The resolved file; path ends with " (deleted)" when the file was unlinked. */
    public record Resolved(String path, long dev, long ino) {}

    public Resolved resolve(int fd) throws IOException {
        String path = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        Pointer st = statBuf.get();
        if (libc.fstat(fd, st) < 0) {
            int e = FanotifyNative.errno();
            throw new IOException("fstat of event fd " + fd + " (" + path + "): " + libc.strerror(e) + " (errno " + e + ")");
        }
        return new Resolved(path, st.getLong(ST_DEV), st.getLong(ST_INO));
    }
}

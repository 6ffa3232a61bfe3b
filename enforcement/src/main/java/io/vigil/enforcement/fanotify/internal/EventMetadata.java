package io.vigil.enforcement.fanotify.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * struct fanotify_event_metadata (include/uapi/linux/fanotify.h), 24 bytes, native byte order:
 * <pre>
 *   0  __u32 event_len      whole event, metadata and info records
 *   4  __u8  vers           FANOTIFY_METADATA_VERSION (3)
 *   5  __u8  reserved
 *   6  __u16 metadata_len   24
 *   8  __aligned_u64 mask   FAN_OPEN_PERM, FAN_OPEN_EXEC_PERM, ...
 *  16  __s32 fd             opened for the listener; the listener must close it
 *  20  __s32 pid            thread-group id of the opener (FAN_REPORT_TID is not set)
 * </pre>
 * Offsets are checked against the running kernel's BTF by FanotifyLayoutTest.
 */
public record EventMetadata(int eventLen, int vers, int metadataLen, long mask, int fd, int pid) {
    public static final int EVENT_LEN = 0;
    public static final int VERS = 4;
    public static final int RESERVED = 5;
    public static final int METADATA_LEN = 6;
    public static final int MASK = 8;
    public static final int FD = 16;
    public static final int PID = 20;
    public static final int SIZEOF = 24;

    public boolean isPermission() {
        return (mask & (FanotifyLibC.FAN_OPEN_PERM | FanotifyLibC.FAN_OPEN_EXEC_PERM)) != 0;
    }

    public boolean isExec() {
        return (mask & FanotifyLibC.FAN_OPEN_EXEC_PERM) != 0;
    }

    /**
     * Decodes the events read(2) returned ({@code buf} from position 0 to limit) into {@code out}.
     * An event with an unknown version or a length that runs past the data is an error: the fds
     * of the events before it are still in {@code out} so they can be answered and closed.
     */
    public static void decodeAll(ByteBuffer buf, List<EventMetadata> out) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.nativeOrder());
        int pos = 0;
        int end = b.limit();
        while (end - pos >= SIZEOF) {
            int eventLen = b.getInt(pos + EVENT_LEN);
            int vers = b.get(pos + VERS) & 0xff;
            int metadataLen = b.getShort(pos + METADATA_LEN) & 0xffff;
            if (vers != FanotifyLibC.FANOTIFY_METADATA_VERSION) {
                throw new IllegalStateException("fanotify metadata version " + vers + ", this build reads "
                        + FanotifyLibC.FANOTIFY_METADATA_VERSION + ": update io.vigil.enforcement.fanotify for this kernel");
            }
            if (eventLen < SIZEOF || eventLen > end - pos || metadataLen < SIZEOF) {
                throw new IllegalStateException("fanotify event at byte " + pos + " has event_len " + eventLen
                        + ", metadata_len " + metadataLen + " with " + (end - pos) + " bytes left");
            }
            out.add(new EventMetadata(eventLen, vers, metadataLen, b.getLong(pos + MASK), b.getInt(pos + FD), b.getInt(pos + PID)));
            pos += eventLen;
        }
        if (pos != end) {
            throw new IllegalStateException("fanotify read left " + (end - pos) + " bytes, less than one event");
        }
    }
}

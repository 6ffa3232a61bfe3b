package io.vigil.enforcement.fanotify.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct fanotify_response (include/uapi/linux/fanotify.h), 8 bytes, native byte order:
 * <pre>
 *   0  __s32 fd         the fd of the event being answered
 *   4  __u32 response   FAN_ALLOW (1) or FAN_DENY (2), optionally | FAN_AUDIT
 * </pre>
 */
public final class Response {
    public static final int FD = 0;
    public static final int RESPONSE = 4;
    public static final int SIZEOF = 8;

    private Response() {}

    public static void encode(ByteBuffer into, int fd, int response) {
        ByteBuffer b = into.duplicate().order(ByteOrder.nativeOrder());
        b.putInt(FD, fd);
        b.putInt(RESPONSE, response);
    }
}

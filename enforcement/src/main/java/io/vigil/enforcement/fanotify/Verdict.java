package io.vigil.enforcement.fanotify;

import io.vigil.enforcement.fanotify.internal.FanotifyLibC;

/** The answer to a permission event; codes are FAN_ALLOW / FAN_DENY of include/uapi/linux/fanotify.h. */
public enum Verdict {
    ALLOW(FanotifyLibC.FAN_ALLOW),
    /** The opener's open(2)/openat(2)/execve(2) fails with EPERM. */
    DENY(FanotifyLibC.FAN_DENY);

    private final int code;

    Verdict(int code) {
        this.code = code;
    }

    /** The value written in struct fanotify_response.response. */
    public int code() {
        return code;
    }
}

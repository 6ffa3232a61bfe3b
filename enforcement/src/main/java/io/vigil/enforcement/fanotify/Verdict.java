package io.vigil.enforcement.fanotify;

/** The answer to a permission event; codes are FAN_ALLOW / FAN_DENY of include/uapi/linux/fanotify.h. */
public enum Verdict {
    ALLOW(0x01),
    /** The opener's open(2)/openat(2)/execve(2) fails with EPERM. */
    DENY(0x02);

    private final int code;

    Verdict(int code) {
        this.code = code;
    }

    /** The value written in struct fanotify_response.response. */
    public int code() {
        return code;
    }
}

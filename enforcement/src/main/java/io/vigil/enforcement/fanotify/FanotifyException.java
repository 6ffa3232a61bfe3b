package io.vigil.enforcement.fanotify;

/** A fanotify call failed: which call, on what, the errno, and what to do about it. */
public class FanotifyException extends Exception {
    private final int errno;

    public FanotifyException(String call, int errno, String errnoText, String hint) {
        super(call + " failed: " + errnoText + (hint.isEmpty() ? "" : ". " + hint));
        this.errno = errno;
    }

    /** The errno of the failed call (0 when the failure was not a syscall error). */
    public int errno() {
        return errno;
    }
}

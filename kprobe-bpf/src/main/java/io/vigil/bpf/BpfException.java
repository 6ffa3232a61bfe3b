package io.vigil.bpf;

import io.vigil.bpf.internal.Errno;

/**
 * A libbpf or BPF syscall failure. The message names what failed, the errno with its text
 * ("Operation not permitted (EPERM, errno 1)"), what to do when that is known, and for attach
 * failures the tail of what libbpf printed.
 */
public class BpfException extends Exception {
    /** Lines of the libbpf/verifier log that end a message. */
    static final int LOG_TAIL_LINES = 40;

    private final int errno;

    /** @param what what failed, e.g. "attaching program 'x'"; errno is the positive errno. */
    public BpfException(String what, int errno) {
        this(what, errno, null, null);
    }

    public BpfException(String what, int errno, String hint, String log) {
        super(compose(what, errno, hint, log));
        this.errno = errno;
    }

    public BpfException(String what, int errno, Throwable cause) {
        super(compose(what, errno, null, null), cause);
        this.errno = errno;
    }

    /** The positive errno of the failure (e.g. 1 for EPERM). */
    public int errno() {
        return errno;
    }

    /** The symbolic errno, e.g. "EPERM". */
    public String errnoName() {
        return Errno.name(errno);
    }

    static String compose(String what, int errno, String hint, String log) {
        StringBuilder sb = new StringBuilder(what).append(": ").append(Errno.describe(errno));
        if (hint != null && !hint.isEmpty()) {
            sb.append(". ").append(Character.toUpperCase(hint.charAt(0))).append(hint, 1, hint.length());
        }
        if (log != null) {
            sb.append('\n').append(logTail(log, LOG_TAIL_LINES));
        }
        return sb.toString();
    }

    /** "libbpf/verifier log, last N of M lines:\n..." or a note that libbpf printed nothing. */
    static String logTail(String log, int maxLines) {
        String trimmed = log.stripTrailing();
        if (trimmed.isEmpty()) {
            return "libbpf/verifier log: (libbpf printed nothing)";
        }
        String[] lines = trimmed.split("\n", -1);
        int from = Math.max(0, lines.length - maxLines);
        StringBuilder sb = new StringBuilder("libbpf/verifier log, last ")
                .append(lines.length - from).append(" of ").append(lines.length).append(" lines:");
        for (int i = from; i < lines.length; i++) {
            sb.append('\n').append(lines[i]);
        }
        return sb.toString();
    }
}

package io.vigil.bpf.internal;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libbpf's print callback. Each message is formatted with libc's vsnprintf (the va_list argument
 * is a pointer on x86_64 and arm64). While a {@link Capture} is open on the calling thread — libbpf
 * prints on the thread that called it — warnings and infos (the verifier log among them) go into
 * it, so that a failure can carry the log; they are logged at debug level too. Without a capture,
 * libbpf warnings are logged as warnings under the logger {@code io.vigil.bpf.libbpf}.
 */
public final class LibBpfLog {
    private static final Logger log = LoggerFactory.getLogger("io.vigil.bpf.libbpf");
    private static final int BUF_SIZE = 8192;
    /** Captured text beyond this is dropped from the front: the tail is what explains a failure. */
    private static final int CAPTURE_MAX = 1 << 20;
    /** sizeof(va_list) where copying it (va_copy) is a plain memcpy. */
    private static final int VA_LIST_SIZE = vaListSize();

    private static final ThreadLocal<Capture> ACTIVE = new ThreadLocal<>();
    private static final ThreadLocal<Pointer> BUF = new ThreadLocal<>();
    private static final ThreadLocal<Pointer> VA_COPY = new ThreadLocal<>();

    private LibBpfLog() {}

    private static int vaListSize() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            return 24;
        }
        if (arch.equals("aarch64") || arch.equals("arm64")) {
            return 32;
        }
        return 0;
    }

    /** Starts capturing libbpf messages on this thread until the capture is closed. Captures nest. */
    public static Capture capture() {
        Native.libbpf(); // the callback must be installed before the calls to be captured
        Capture c = new Capture(ACTIVE.get());
        ACTIVE.set(c);
        return c;
    }

    /** The libbpf print callback; never throws (an exception must not unwind through libbpf). */
    static int print(int level, Pointer fmt, Pointer vaList) {
        try {
            Capture c = ACTIVE.get();
            boolean wanted;
            if (level == LibBpf.LIBBPF_DEBUG) {
                wanted = log.isTraceEnabled();
            } else {
                wanted = c != null || (level == LibBpf.LIBBPF_WARN ? log.isWarnEnabled() : log.isDebugEnabled());
            }
            if (!wanted || fmt == null) {
                return 0;
            }
            String msg = format(fmt, vaList);
            if (level == LibBpf.LIBBPF_DEBUG) {
                log.trace("{}", strip(msg));
            } else if (c != null) {
                c.append(msg);
                log.debug("{}", strip(msg));
            } else if (level == LibBpf.LIBBPF_WARN) {
                log.warn("{}", strip(msg));
            } else {
                log.debug("{}", strip(msg));
            }
        } catch (Throwable t) {
            // swallow: libbpf must get control back
        }
        return 0;
    }

    private static String strip(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static Pointer threadBuffer(ThreadLocal<Pointer> tl, int size) {
        Pointer p = tl.get();
        if (p == null) {
            p = Memory.allocateDirect(Native.runtime(), size);
            tl.set(p);
        }
        return p;
    }

    private static String format(Pointer fmt, Pointer vaList) {
        LibC libc = Native.libc();
        Pointer buf = threadBuffer(BUF, BUF_SIZE);
        Pointer copy = null;
        if (VA_LIST_SIZE > 0 && vaList != null) {
            // va_copy: vsnprintf consumes the list, and a long message needs a second pass
            copy = threadBuffer(VA_COPY, VA_LIST_SIZE);
            copy.transferFrom(0, vaList, 0, VA_LIST_SIZE);
        }
        int n = libc.vsnprintf(buf, BUF_SIZE, fmt, vaList);
        if (n < 0) {
            return "";
        }
        if (n < BUF_SIZE) {
            return buf.getString(0, n, StandardCharsets.UTF_8);
        }
        if (copy == null) {
            return buf.getString(0, BUF_SIZE - 1, StandardCharsets.UTF_8) + "[...truncated]\n";
        }
        Pointer big = Memory.allocateDirect(Native.runtime(), n + 1);
        int m = libc.vsnprintf(big, n + 1L, fmt, copy);
        return big.getString(0, Math.max(0, Math.min(m, n)), StandardCharsets.UTF_8);
    }

    /** The libbpf messages printed on one thread while it is open. */
    public static final class Capture implements AutoCloseable {
        private final Capture previous;
        private final StringBuilder text = new StringBuilder();
        private boolean closed;

        private Capture(Capture previous) {
            this.previous = previous;
        }

        void append(String s) {
            text.append(s);
            if (text.length() > CAPTURE_MAX) {
                int cut = text.indexOf("\n", text.length() - CAPTURE_MAX / 2);
                text.delete(0, cut < 0 ? text.length() - CAPTURE_MAX / 2 : cut + 1);
                text.insert(0, "[...earlier log dropped]\n");
            }
            if (previous != null) {
                previous.append(s);
            }
        }

        /** Everything captured so far. */
        public String text() {
            return text.toString();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (ACTIVE.get() == this) {
                    ACTIVE.set(previous);
                }
            }
        }
    }
}

package io.vigil.bpf;

import io.vigil.bpf.internal.Errno;
import io.vigil.bpf.internal.LibBpf;
import io.vigil.bpf.internal.Native;
import java.nio.file.Path;
import jnr.ffi.Pointer;

/** An attached program. {@link #close()} detaches it (unless it was pinned); idempotent. */
public final class BpfLink implements AutoCloseable {
    private final LibBpf lib;
    private final String description;
    private Pointer link;   // a libbpf link, or
    private int rawFd;      // a link fd from bpf_link_create
    private boolean closed;

    private BpfLink(LibBpf lib, Pointer link, int rawFd, String description) {
        this.lib = lib;
        this.link = link;
        this.rawFd = rawFd;
        this.description = description;
    }

    static BpfLink ofLibbpf(LibBpf lib, Pointer link, String description) {
        return new BpfLink(lib, link, -1, description);
    }

    static BpfLink ofFd(LibBpf lib, int fd, String description) {
        return new BpfLink(lib, null, fd, description);
    }

    /** The link's fd (some libbpf links, e.g. legacy perf-event ones, have none: then negative). */
    public synchronized int fd() {
        if (closed) {
            throw new IllegalStateException("link " + description + " is closed");
        }
        return link != null ? lib.bpf_link__fd(link) : rawFd;
    }

    /**
     * Pins the link in bpffs so that it, its program and the maps the program uses outlive this
     * process: closing the link (or the process dying) then leaves it attached, and deleting the
     * pin file detaches it once no fd holds it. bpf_obj_pin on the link's fd, so links made by
     * bpf_link_create (cgroup, kprobe.multi) pin as libbpf's do.
     */
    public synchronized void pin(Path path) throws BpfException {
        int fd = fd();
        if (fd < 0) {
            throw new BpfException("cannot pin link " + description + " at " + path, Errno.EOPNOTSUPP,
                    "a legacy perf-event link has no fd to pin (kernels before 5.15 attach kprobes and tracepoints without a BPF link)", null);
        }
        int r = lib.bpf_obj_pin(fd, path.toString());
        if (r < 0) {
            throw new BpfException("cannot pin link " + description + " at " + path, Native.errnoOf(r),
                    "the path must be on a bpffs mount (mount -t bpf bpf /sys/fs/bpf) and must not exist yet", null);
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (link != null) {
            lib.bpf_link__destroy(link);
            link = null;
        } else if (rawFd >= 0) {
            Native.libc().close(rawFd);
            rawFd = -1;
        }
    }

    @Override
    public String toString() {
        return "BpfLink[" + description + (closed ? ", closed" : "") + "]";
    }
}

package io.vigil.enforcement.fanotify.internal;

import io.vigil.enforcement.fanotify.FanotifyException;
import java.nio.ByteBuffer;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * One fanotify group (FAN_CLASS_CONTENT, unlimited queue, close-on-exec) and the eventfd that
 * wakes its reader for shutdown. Marks, reads, answers; no policy. Closing the fanotify fd makes
 * the kernel allow every unanswered permission event and drop every mark of the group.
 */
public final class FanotifyFd implements AutoCloseable {
    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;
    private static final int EMFILE = 24;
    private static final int ENOSYS = 38;
    private static final int EXDEV = 18;
    private static final int ENODEV = 19;

    /** Room for 256 events of 24 bytes per read. */
    static final int READ_BUFFER = 256 * EventMetadata.SIZEOF;

    private final FanotifyLibC libc = FanotifyNative.libc();
    private final int fd;
    private final int wakeFd;
    private final Pointer readBuf = Memory.allocateDirect(FanotifyNative.runtime(), READ_BUFFER);
    private final byte[] readCopy = new byte[READ_BUFFER];
    private final Pointer pollFds = Memory.allocateDirect(FanotifyNative.runtime(), 2 * FanotifyLibC.SIZEOF_POLLFD);
    private final Pointer wakeBuf = Memory.allocateDirect(FanotifyNative.runtime(), 8);
    private final Object writeLock = new Object();
    private final Pointer responseBuf = Memory.allocateDirect(FanotifyNative.runtime(), Response.SIZEOF);
    private final ByteBuffer responseCopy = ByteBuffer.allocate(Response.SIZEOF);
    private volatile boolean closed;

    private FanotifyFd(int fd, int wakeFd) {
        this.fd = fd;
        this.wakeFd = wakeFd;
    }

    public static FanotifyFd open() throws FanotifyException {
        return open(FanotifyLibC.FAN_CLASS_CONTENT | FanotifyLibC.FAN_UNLIMITED_QUEUE,
                "FAN_CLASS_CONTENT|FAN_CLOEXEC|FAN_NONBLOCK|FAN_UNLIMITED_QUEUE");
    }

    /**
     * A notification group (FAN_CLASS_NOTIF) with the kernel's bounded queue (16384 events): an
     * observer must not pin kernel memory without limit, so a slow reader loses events, which the
     * kernel reports as one FAN_Q_OVERFLOW event.
     */
    public static FanotifyFd openNotify() throws FanotifyException {
        return open(FanotifyLibC.FAN_CLASS_NOTIF, "FAN_CLASS_NOTIF|FAN_CLOEXEC|FAN_NONBLOCK");
    }

    private static FanotifyFd open(int classFlags, String spelled) throws FanotifyException {
        FanotifyLibC libc = FanotifyNative.libc();
        int flags = classFlags | FanotifyLibC.FAN_CLOEXEC | FanotifyLibC.FAN_NONBLOCK;
        int fd = libc.fanotify_init(flags, FanotifyLibC.O_RDONLY | FanotifyLibC.O_LARGEFILE | FanotifyLibC.O_CLOEXEC);
        if (fd < 0) {
            int e = FanotifyNative.errno();
            throw error("fanotify_init(" + spelled + ")", e, switch (e) {
                case EPERM -> "permission events and an unlimited queue need CAP_SYS_ADMIN: run the agent as root";
                case EINVAL -> "this kernel lacks FAN_CLASS_CONTENT: it needs CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y";
                case ENOSYS -> "this kernel has no fanotify (CONFIG_FANOTIFY=y is needed)";
                case EMFILE -> "too many fanotify groups (fs.fanotify.max_user_groups) or fds (ulimit -n)";
                default -> "";
            });
        }
        int wake = libc.eventfd(0, FanotifyLibC.EFD_CLOEXEC | FanotifyLibC.EFD_NONBLOCK);
        if (wake < 0) {
            int e = FanotifyNative.errno();
            libc.close(fd);
            throw error("eventfd", e, "raise the fd limit (ulimit -n)");
        }
        return new FanotifyFd(fd, wake);
    }

    /** fanotify_mark(flags, mask, AT_FDCWD, path); flags already hold ADD/REMOVE and the mark type. */
    public void mark(int flags, long mask, String path) throws FanotifyException {
        if (libc.fanotify_mark(fd, flags, mask, FanotifyLibC.AT_FDCWD, path) < 0) {
            int e = FanotifyNative.errno();
            String call = "fanotify_mark(0x" + Integer.toHexString(flags) + ", mask 0x" + Long.toHexString(mask) + ", " + path + ")";
            throw error(call, e, switch (e) {
                case ENOENT -> (flags & FanotifyLibC.FAN_MARK_REMOVE) != 0
                        ? "there is no such mark to remove" : "the path does not exist: create it before protecting it";
                case ENODEV -> "the filesystem has no fsid usable for this mark type; mark the file or directory instead";
                case EXDEV -> "the path is on a filesystem that cannot take a filesystem/mount mark here (e.g. inside a subvolume); mark the inode";
                case EINVAL -> "this mark type or mask is not supported by this kernel for permission events";
                case EPERM -> "mount and filesystem marks need CAP_SYS_ADMIN in the initial user namespace";
                default -> "";
            });
        }
    }

    /** FAN_MARK_FLUSH of one mark type (inode, mount or filesystem). */
    public void flush(int markType) throws FanotifyException {
        if (libc.fanotify_mark(fd, FanotifyLibC.FAN_MARK_FLUSH | markType, 0, FanotifyLibC.AT_FDCWD, null) < 0) {
            throw error("fanotify_mark(FAN_MARK_FLUSH)", FanotifyNative.errno(), "");
        }
    }

    /**
     * Waits until events are ready or {@link #wakeUp()} is called, reads one batch and decodes it
     * into {@code out}. Returns false when woken up for shutdown (nothing read).
     */
    public boolean await(List<EventMetadata> out) throws FanotifyException {
        while (true) {
            pollFds.putInt(0, fd);
            pollFds.putShort(4, FanotifyLibC.POLLIN);
            pollFds.putShort(6, (short) 0);
            pollFds.putInt(8, wakeFd);
            pollFds.putShort(12, FanotifyLibC.POLLIN);
            pollFds.putShort(14, (short) 0);
            int n = libc.poll(pollFds, 2, -1);
            if (n < 0) {
                int e = FanotifyNative.errno();
                if (e == EINTR) {
                    continue;
                }
                throw error("poll on the fanotify fd", e, "");
            }
            if (pollFds.getShort(14) != 0 || closed) {
                return false;
            }
            if (pollFds.getShort(6) == 0) {
                continue;
            }
            long r = libc.read(fd, readBuf, READ_BUFFER);
            if (r < 0) {
                int e = FanotifyNative.errno();
                if (e == EAGAIN || e == EINTR) {
                    continue;
                }
                throw error("read of fanotify events", e, "");
            }
            readBuf.get(0, readCopy, 0, (int) r);
            EventMetadata.decodeAll(ByteBuffer.wrap(readCopy, 0, (int) r), out);
            return true;
        }
    }

    /** Writes struct fanotify_response for one event. Thread-safe. */
    public void respond(int eventFd, int response) throws FanotifyException {
        synchronized (writeLock) {
            Response.encode(responseCopy, eventFd, response);
            responseBuf.put(0, responseCopy.array(), 0, Response.SIZEOF);
            if (libc.write(fd, responseBuf, Response.SIZEOF) != Response.SIZEOF) {
                int e = FanotifyNative.errno();
                throw error("write of fanotify_response{fd " + eventFd + ", 0x" + Integer.toHexString(response) + "}", e,
                        e == ENOENT ? "no pending event has this fd (answered twice?)" : "");
            }
        }
    }

    /** Closes the fd the kernel opened for an event. */
    public void closeEventFd(int eventFd) {
        libc.close(eventFd);
    }

    /** Makes {@link #await} return false. */
    public void wakeUp() {
        closed = true;
        wakeBuf.putLong(0, 1L);
        libc.write(wakeFd, wakeBuf, 8);
    }

    /** Closes the group: the kernel allows what is unanswered and removes the marks. */
    @Override
    public void close() {
        closed = true;
        libc.close(fd);
        libc.close(wakeFd);
    }

    private static FanotifyException error(String call, int errno, String hint) {
        String text = FanotifyNative.libc().strerror(errno);
        return new FanotifyException(call, errno, (text != null ? text : "error") + " (errno " + errno + ")", hint);
    }
}

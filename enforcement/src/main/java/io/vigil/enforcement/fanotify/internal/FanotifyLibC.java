package io.vigil.enforcement.fanotify.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls a fanotify listener needs. Constants are copied with their values from
 * include/uapi/linux/fanotify.h (and poll.h, eventfd.h, fcntl.h where named); the Java side of
 * the wire is {@link EventMetadata} and {@link Response}, checked against the kernel's BTF by
 * FanotifyLayoutTest. Obtain it from {@link FanotifyNative#libc()}.
 */
@SaveError
public interface FanotifyLibC {
    // --- fanotify_init flags (include/uapi/linux/fanotify.h)
    /** Notification only (no permission events): the group of FAN_OPEN observers. */
    int FAN_CLASS_NOTIF = 0x00000000;
    int FAN_CLOEXEC = 0x00000001;
    int FAN_NONBLOCK = 0x00000002;
    /** Permission events before the content is read; needed for FAN_OPEN_PERM / FAN_OPEN_EXEC_PERM. */
    int FAN_CLASS_CONTENT = 0x00000004;
    /**
     * No 16384-event limit. With the limit, a permission event that finds the queue full is
     * dropped and the open is ALLOWED (fanotify_handle_event frees it and returns 0), so a bounded
     * queue is a bypass by flooding. Unlimited is safe for permission events: each queued one
     * blocks its task, so the queue never holds more than the number of blocked tasks.
     */
    int FAN_UNLIMITED_QUEUE = 0x00000010;
    int FAN_UNLIMITED_MARKS = 0x00000020;
    /** Lets a response carry FAN_AUDIT; not used (the agent reports decisions itself). */
    int FAN_ENABLE_AUDIT = 0x00000040;

    // --- fanotify_mark flags (include/uapi/linux/fanotify.h)
    int FAN_MARK_ADD = 0x00000001;
    int FAN_MARK_REMOVE = 0x00000002;
    int FAN_MARK_DONT_FOLLOW = 0x00000004;
    int FAN_MARK_FLUSH = 0x00000080;
    int FAN_MARK_INODE = 0x00000000;
    int FAN_MARK_MOUNT = 0x00000010;
    int FAN_MARK_FILESYSTEM = 0x00000100;

    // --- event masks (include/uapi/linux/fanotify.h)
    /** A file was opened (notification, queued after the open; the opener does not wait). */
    long FAN_OPEN = 0x00000020L;
    long FAN_OPEN_PERM = 0x00010000L;
    long FAN_OPEN_EXEC_PERM = 0x00040000L;
    /** Q_OVERFLOW: events were dropped (bounded queue full); cannot happen with FAN_UNLIMITED_QUEUE. */
    long FAN_Q_OVERFLOW = 0x00004000L;
    /** On a directory mark: events for the directory's direct children. */
    long FAN_EVENT_ON_CHILD = 0x08000000L;
    /** Without it, opening a directory itself makes no event. */
    long FAN_ONDIR = 0x40000000L;

    // --- responses (include/uapi/linux/fanotify.h: struct fanotify_response.response)
    int FAN_ALLOW = 0x01;
    int FAN_DENY = 0x02;
    /** Only with FAN_ENABLE_AUDIT at init, else the write fails with EINVAL. */
    int FAN_AUDIT = 0x10;

    /** FANOTIFY_METADATA_VERSION in include/uapi/linux/fanotify.h. */
    int FANOTIFY_METADATA_VERSION = 3;
    /** FAN_NOFD: an event without a file (overflow). */
    int FAN_NOFD = -1;

    // --- other libc constants
    int O_RDONLY = 0;
    int O_LARGEFILE = 0x8000; // x86_64 / arm64 value of the flag glibc adds on 64-bit
    int O_CLOEXEC = 0x80000; // include/uapi/asm-generic/fcntl.h
    int AT_FDCWD = -100;
    int EFD_CLOEXEC = 0x80000; // include/uapi/linux/eventfd.h (== O_CLOEXEC)
    int EFD_NONBLOCK = 0x800; // == O_NONBLOCK
    short POLLIN = 0x0001; // include/uapi/asm-generic/poll.h
    /** /proc/self/mountinfo signals a mount or unmount with POLLPRI | POLLERR (proc(5)). */
    short POLLPRI = 0x0002;
    short POLLERR = 0x0008;
    /** struct pollfd {int fd; short events; short revents;} */
    int SIZEOF_POLLFD = 8;

    int fanotify_init(int flags, int eventFileFlags);

    int fanotify_mark(int fanotifyFd, int flags, long mask, int dirfd, String path);

    @ssize_t long read(int fd, Pointer buf, @size_t long count);

    @ssize_t long write(int fd, Pointer buf, @size_t long count);

    int close(int fd);

    int open(String path, int flags);

    /** struct stat is written to buf; st_dev at 0, st_ino at 8 (u64 each on x86_64 and arm64). */
    int fstat(int fd, Pointer statBuf);

    int eventfd(int initval, int flags);

    int poll(Pointer fds, long nfds, int timeoutMillis);

    int getpid();

    String strerror(int errnum);
}

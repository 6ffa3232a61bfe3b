package io.vigil.bpf.internal;

import java.util.Map;

/** errno names and texts as a person reads them: "Operation not permitted (EPERM)". */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int E2BIG = 7;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EBADFD = 77;
    public static final int EOPNOTSUPP = 95;
    /** Kernel-internal "not supported" that leaks to user space from BPF (no libc name). */
    public static final int ENOTSUPP = 524;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(E2BIG, "E2BIG"),
            Map.entry(EBADF, "EBADF"), Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"), Map.entry(EFAULT, "EFAULT"), Map.entry(EBUSY, "EBUSY"),
            Map.entry(EEXIST, "EEXIST"), Map.entry(ENODEV, "ENODEV"), Map.entry(20, "ENOTDIR"),
            Map.entry(21, "EISDIR"), Map.entry(EINVAL, "EINVAL"), Map.entry(EMFILE, "EMFILE"),
            Map.entry(ENOSPC, "ENOSPC"), Map.entry(ERANGE, "ERANGE"), Map.entry(ENOSYS, "ENOSYS"),
            Map.entry(ELOOP, "ELOOP"), Map.entry(61, "ENODATA"), Map.entry(71, "EPROTO"),
            Map.entry(75, "EOVERFLOW"), Map.entry(EBADFD, "EBADFD"), Map.entry(36, "ENAMETOOLONG"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(ENOTSUPP, "ENOTSUPP"));

    private Errno() {}

    /** "EPERM", or "errno 1234" for a number without a name here. */
    public static String name(int errno) {
        String n = NAMES.get(errno);
        return n != null ? n : "errno " + errno;
    }

    /** libc's strerror text, with a text of our own for the kernel-internal codes libc does not know. */
    public static String text(int errno) {
        if (errno == ENOTSUPP) {
            return "Operation not supported by this kernel";
        }
        try {
            String s = Native.libc().strerror(errno);
            return s != null ? s : "error " + errno;
        } catch (LinkageError | RuntimeException e) {
            return "error " + errno;
        }
    }

    /** "Operation not permitted (EPERM, errno 1)". */
    public static String describe(int errno) {
        String n = NAMES.get(errno);
        return text(errno) + " (" + (n != null ? n + ", " : "") + "errno " + errno + ")";
    }
}

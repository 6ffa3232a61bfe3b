package io.vigil.bpf.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/** The few libc functions the binding and the feature probe need. Obtain it from {@link Native#libc()}. */
@SaveError
public interface LibC {
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;

    int FAN_CLOEXEC = 0x01;
    int FAN_CLASS_CONTENT = 0x04;
    int FAN_MARK_ADD = 0x01;
    long FAN_OPEN_PERM = 0x00010000L;
    long FAN_OPEN_EXEC_PERM = 0x00040000L;
    int AT_FDCWD = -100;

    /** va_list is passed as a pointer on x86_64 and arm64 (an array type, resp. a large struct). */
    int vsnprintf(Pointer buf, @size_t long size, Pointer fmt, Pointer vaList);

    String strerror(int errnum);

    /** open(2); mode is passed explicitly because open is variadic. */
    int open(String path, int flags, int mode);

    int close(int fd);

    int fanotify_init(int flags, int eventFileFlags);

    int fanotify_mark(int fd, int flags, long mask, int dirfd, String path);

    int mount(String source, String target, String fstype, long flags, Pointer data);

    int if_nametoindex(String ifname);

    int geteuid();
}

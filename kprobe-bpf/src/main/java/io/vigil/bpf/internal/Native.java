package io.vigil.bpf.internal;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Loads libbpf.so.1 and libc once (each on first use), and installs {@link LibBpfLog} as
 * libbpf's print callback before anything else calls libbpf. errno is per thread in jnr, whichever
 * library set it. The callback object is held here for the life of the class
 * loader (jnr callbacks that get collected crash the process when libbpf calls them).
 */
public final class Native {
    private static final String LIBBPF_NAME = "libbpf.so.1";

    private static final class LibcHolder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private static final class LibbpfHolder {
        static final LibBpf LIBBPF;
        static final LibBpf.PrintFn PRINT = LibBpfLog::print;
        static final Throwable FAILURE;

        static {
            LibBpf lib = null;
            Throwable failure = null;
            try {
                lib = LibraryLoader.create(LibBpf.class).failImmediately().load(LIBBPF_NAME);
                lib.libbpf_set_print(PRINT);
            } catch (LinkageError | RuntimeException e) {
                failure = e;
            }
            LIBBPF = lib;
            FAILURE = failure;
        }
    }

    private Native() {}

    /** libbpf, with {@link LibBpfLog} installed as its print callback. */
    public static LibBpf libbpf() {
        if (LibbpfHolder.LIBBPF == null) {
            throw new IllegalStateException("cannot load " + LIBBPF_NAME + " (" + LibbpfHolder.FAILURE
                    + "): install libbpf 1.x (Debian: apt-get install libbpf1)", LibbpfHolder.FAILURE);
        }
        return LibbpfHolder.LIBBPF;
    }

    public static LibC libc() {
        return LibcHolder.LIBC;
    }

    /** The jnr runtime (memory allocation, errno). */
    public static Runtime runtime() {
        return LibcHolder.RUNTIME;
    }

    /** errno saved by the last libbpf or libc call made through jnr on this thread. */
    public static int errno() {
        return LastError.getLastError(LibcHolder.RUNTIME);
    }

    /**
     * The errno of a failed libbpf call: libbpf 1.x returns -errno from int functions; for the
     * pointer-returning ones (NULL on error) pass 0 and errno is read.
     */
    public static int errnoOf(int ret) {
        if (ret < 0) {
            return -ret;
        }
        int e = errno();
        return e != 0 ? e : Errno.EINVAL;
    }
}

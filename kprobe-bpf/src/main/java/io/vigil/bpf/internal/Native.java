package io.vigil.bpf.internal;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Loads libbpf.so.1 and libc once, and installs {@link LibBpfLog} as libbpf's print callback
 * before anything else calls libbpf. The callback object is held here for the life of the class
 * loader (jnr callbacks that get collected crash the process when libbpf calls them).
 */
public final class Native {
    private static final String LIBBPF_NAME = "libbpf.so.1";

    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");
        static final LibBpf LIBBPF;
        static final Runtime RUNTIME;
        static final LibBpf.PrintFn PRINT;

        static {
            LibBpf lib;
            try {
                lib = LibraryLoader.create(LibBpf.class).failImmediately().load(LIBBPF_NAME);
            } catch (LinkageError | RuntimeException e) {
                throw new IllegalStateException("cannot load " + LIBBPF_NAME
                        + ": install libbpf 1.x (Debian: apt-get install libbpf1)", e);
            }
            LIBBPF = lib;
            RUNTIME = Runtime.getRuntime(lib);
            PRINT = LibBpfLog::print;
            lib.libbpf_set_print(PRINT);
        }
    }

    private Native() {}

    public static LibBpf libbpf() {
        return Holder.LIBBPF;
    }

    public static LibC libc() {
        return Holder.LIBC;
    }

    public static Runtime runtime() {
        return Holder.RUNTIME;
    }

    /** errno saved by the last libbpf or libc call made through jnr on this thread. */
    public static int errno() {
        return LastError.getLastError(Holder.RUNTIME);
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

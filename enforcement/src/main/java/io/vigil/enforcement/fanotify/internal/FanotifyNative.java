package io.vigil.enforcement.fanotify.internal;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads libc for {@link FanotifyLibC} once, on first use; errno is per thread in jnr. */
public final class FanotifyNative {
    private static final class Holder {
        static final FanotifyLibC LIBC = LibraryLoader.create(FanotifyLibC.class).failImmediately().load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private FanotifyNative() {}

    public static FanotifyLibC libc() {
        return Holder.LIBC;
    }

    public static Runtime runtime() {
        return Holder.RUNTIME;
    }

    /** errno saved by the last call made through jnr on this thread. */
    public static int errno() {
        return LastError.getLastError(Holder.RUNTIME);
    }
}

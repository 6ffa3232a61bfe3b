package io.vigil.enforcement.fanotify;

import io.vigil.enforcement.fanotify.internal.FanotifyLibC;
import java.util.Set;

/** What a mark asks about: opens, execs, or both. */
public enum Access {
    /** FAN_OPEN_PERM: every open(2)/openat(2)/openat2(2) of the file, execs included. */
    OPEN(FanotifyLibC.FAN_OPEN_PERM),
    /** FAN_OPEN_EXEC_PERM: the open of the file by execve(2) (a script: the script, and its interpreter if marked). */
    EXEC(FanotifyLibC.FAN_OPEN_EXEC_PERM);

    private final long mask;

    Access(long mask) {
        this.mask = mask;
    }

    public long mask() {
        return mask;
    }

    static long maskOf(Set<Access> accesses) {
        if (accesses.isEmpty()) {
            throw new IllegalArgumentException("name at least one access (OPEN, EXEC)");
        }
        long m = 0;
        for (Access a : accesses) {
            m |= a.mask;
        }
        return m;
    }
}

package io.vigil.enforcement.fanotify;

import io.vigil.enforcement.fanotify.internal.FanotifyLibC;

/** What a path names when it is protected; each costs only the opens it covers. */
public enum MarkTarget {
    /** The inode: every name of it (hard links, bind mounts, symlinks to it), not a later file of the same name. */
    FILE(FanotifyLibC.FAN_MARK_INODE, 0),
    /** The directory's direct children (FAN_EVENT_ON_CHILD), looked up at open time; not grandchildren, not the directory itself. */
    DIRECTORY(FanotifyLibC.FAN_MARK_INODE, FanotifyLibC.FAN_EVENT_ON_CHILD),
    /** Every file opened through this mount (not through other mounts of the same filesystem, e.g. a bind mount). */
    MOUNT(FanotifyLibC.FAN_MARK_MOUNT, 0),
    /** Every file of the filesystem, through any mount. */
    FILESYSTEM(FanotifyLibC.FAN_MARK_FILESYSTEM, 0);

    private final int markFlags;
    private final long extraMask;

    MarkTarget(int markFlags, long extraMask) {
        this.markFlags = markFlags;
        this.extraMask = extraMask;
    }

    int markFlags() {
        return markFlags;
    }

    long extraMask() {
        return extraMask;
    }
}

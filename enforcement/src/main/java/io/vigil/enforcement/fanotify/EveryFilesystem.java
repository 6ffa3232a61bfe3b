package io.vigil.enforcement.fanotify;

import io.vigil.enforcement.fanotify.internal.FanotifyLibC;
import io.vigil.enforcement.fanotify.internal.FanotifyNative;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Filesystem marks (FAN_MARK_FILESYSTEM) on every filesystem of the agent's mount namespace that can
 * hold executables ({@link MountTable}), one per superblock, kept up to date: a thread waits for
 * /proc/self/mountinfo to signal a change (poll POLLPRI, proc(5)) and marks the filesystems mounted
 * since. Marks of unmounted filesystems go with their superblock. Mounts made only in other mount
 * namespaces are not seen.
 *
 * <p>Costs every exec on the marked filesystems a round trip to the guard's decider: use it for
 * execs only. Reading mountinfo and marking open nothing for exec, so they cannot wait on the guard.
 */
public final class EveryFilesystem implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EveryFilesystem.class);
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final FanotifyGuard guard;
    private final Set<Access> accesses;
    private final FanotifyLibC libc = FanotifyNative.libc();
    /** device ("major:minor") -> the path its mark was placed through */
    private final Map<String, Path> marked = new HashMap<>();
    private final LongAdder failed = new LongAdder();
    private final int mountinfoFd;
    private final int wakeFd;
    private final Pointer pollFds = Memory.allocateDirect(FanotifyNative.runtime(), 2 * FanotifyLibC.SIZEOF_POLLFD);
    private final Thread watcher;
    private volatile boolean closed;

    private EveryFilesystem(FanotifyGuard guard, Set<Access> accesses) throws FanotifyException {
        this.guard = guard;
        this.accesses = Set.copyOf(accesses);
        // opened before the first read: a mount made in between is signalled
        this.mountinfoFd = libc.open(MOUNTINFO.toString(), FanotifyLibC.O_RDONLY | FanotifyLibC.O_CLOEXEC);
        if (mountinfoFd < 0) {
            throw new FanotifyException("open(" + MOUNTINFO + ")", FanotifyNative.errno(), "cannot watch mounts", "");
        }
        this.wakeFd = libc.eventfd(0, FanotifyLibC.EFD_CLOEXEC | FanotifyLibC.EFD_NONBLOCK);
        if (wakeFd < 0) {
            libc.close(mountinfoFd);
            throw new FanotifyException("eventfd", FanotifyNative.errno(), "cannot watch mounts", "raise the fd limit");
        }
        try {
            refresh();
        } catch (IOException | RuntimeException e) {
            closeFds();
            throw new FanotifyException("reading " + MOUNTINFO, 0, String.valueOf(e.getMessage()), "");
        }
        this.watcher = new Thread(this::watch, "vigil-fanotify-mounts");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Marks every filesystem for {@code accesses} on the guard and keeps marking new ones until closed. */
    public static EveryFilesystem start(FanotifyGuard guard, Set<Access> accesses) throws FanotifyException {
        return new EveryFilesystem(guard, accesses);
    }

    /** The filesystems marked now, by device ("major:minor") with the mount point used. */
    public synchronized Map<String, Path> marked() {
        return Map.copyOf(marked);
    }

    /** Filesystems whose mark the kernel refused (each logged with the reason). */
    public long failed() {
        return failed.sum();
    }

    /** Reads mountinfo and marks the filesystems not marked yet; forgets those no longer mounted here. */
    synchronized void refresh() throws IOException {
        Map<String, Path> now = MountTable.executableFilesystems(MountTable.parse(Files.readString(MOUNTINFO)));
        marked.keySet().retainAll(now.keySet());   // unmounted: the kernel dropped the mark with the superblock
        for (Map.Entry<String, Path> e : now.entrySet()) {
            if (closed || marked.containsKey(e.getKey())) {
                continue;
            }
            try {
                guard.protect(MarkTarget.FILESYSTEM, e.getValue(), accesses);
                marked.put(e.getKey(), e.getValue());
            } catch (FanotifyException ex) {
                failed.increment();
                marked.put(e.getKey(), e.getValue());   // once: not retried at every mount change
                LOG.warn("fanotify: filesystem {} ({}) not marked, execs from it are not checked: {}", e.getValue(),
                        e.getKey(), ex.getMessage());
            }
        }
    }

    private void watch() {
        while (!closed) {
            pollFds.putInt(0, mountinfoFd);
            pollFds.putShort(4, FanotifyLibC.POLLPRI);
            pollFds.putShort(6, (short) 0);
            pollFds.putInt(8, wakeFd);
            pollFds.putShort(12, FanotifyLibC.POLLIN);
            pollFds.putShort(14, (short) 0);
            int n = libc.poll(pollFds, 2, -1);
            if (closed || pollFds.getShort(14) != 0) {
                return;
            }
            if (n < 0 || (pollFds.getShort(6) & (FanotifyLibC.POLLPRI | FanotifyLibC.POLLERR)) == 0) {
                continue;   // EINTR, or nothing about mounts
            }
            try {
                refresh();
            } catch (IOException | RuntimeException e) {   // the watcher must not die: later mounts would go unmarked
                LOG.error("fanotify: reading {} after a mount change failed: {}", MOUNTINFO, e.getMessage());
            }
        }
    }

    /** Stops watching and removes every filesystem mark of the guard. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Pointer one = Memory.allocateDirect(FanotifyNative.runtime(), 8);
        one.putLong(0, 1L);
        libc.write(wakeFd, one, 8);
        try {
            watcher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            guard.unprotectEvery(MarkTarget.FILESYSTEM);
        } catch (FanotifyException | RuntimeException e) {
            LOG.warn("fanotify: removing the filesystem marks failed: {}", e.getMessage());
        }
        synchronized (this) {
            marked.clear();
        }
        closeFds();
    }

    private void closeFds() {
        libc.close(mountinfoFd);
        libc.close(wakeFd);
    }
}

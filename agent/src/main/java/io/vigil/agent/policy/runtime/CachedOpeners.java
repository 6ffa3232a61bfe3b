package io.vigil.agent.policy.runtime;

import io.vigil.agent.process.RecentProcesses;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.wire.ExecveKey;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * The opener from the kernel's execve_map and the process model ({@link RecentProcesses}), for opens
 * read after the fact.
 *
 * <ul>
 *   <li>The pid's live incarnation (execve_map) started before the read: it is the opener. Its
 *       binary is the cache's for that key, else /proc/PID/exe (the enricher has not read its exec
 *       yet), checked against execve_map again so that an exec meanwhile is not taken for it.
 *   <li>No live incarnation, or one that started after the read (the pid was reused since): the
 *       opener has exited. It is the pid's latest incarnation the cache knows that started before
 *       the read, asked once the enricher has read the sensors' records up to the read (so that the
 *       opener's exec is in), waiting at most {@link #MAX_WAIT_NANOS}. The cache keeps exited
 *       processes for its grace period (5 s after the last reference), so this works while the
 *       agent reads the open within that time.
 * </ul>
 *
 * What remains: the open's own time is not known, only that it came before the read. A process that
 * took the pid (or an exec by the opener) between the open and the read, and started before the
 * read, is taken for the opener.
 */
public final class CachedOpeners implements OpenerLookup {
    /** Longest wait for the enricher to read the sensors' records up to an open's read time. */
    static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final RecentProcesses recent;
    private final IntToLongFunction liveKtime;
    private final IntFunction<String> procBinary;
    private final long maxWaitNanos;

    /** From the process sensors' execve_map, /proc, and the cache's recent incarnations. */
    public CachedOpeners(RecentProcesses recent, BpfMap execveMap) {
        this(recent, pid -> Openers.processKtime(execveMap, pid), Openers::binaryOf, MAX_WAIT_NANOS);
    }

    /**
     * @param liveKtime  pid -> the key time of its live incarnation (execve_map), 0 when none
     * @param procBinary pid -> its binary now (/proc/PID/exe), "" when gone
     */
    CachedOpeners(RecentProcesses recent, IntToLongFunction liveKtime, IntFunction<String> procBinary, long maxWaitNanos) {
        this.recent = recent;
        this.liveKtime = liveKtime;
        this.procBinary = procBinary;
        this.maxWaitNanos = maxWaitNanos;
    }

    @Override
    public Opener find(int pid, long readKtime) {
        long live = liveKtime.applyAsLong(pid);
        if (live != 0 && Long.compareUnsigned(live, readKtime) <= 0) {
            Optional<String> cached = recent.binaryOf(new ExecveKey(pid, live));
            if (cached.isPresent()) {
                return new Opener(cached.get(), live);
            }
            String binary = procBinary.apply(pid);
            if (!binary.isEmpty() && liveKtime.applyAsLong(pid) == live) {
                return new Opener(binary, live);
            }
        }
        awaitRecordsUpTo(readKtime);
        return recent.latestStartedBy(pid, readKtime)
                .map(i -> new Opener(i.binary(), i.ktime()))
                .orElse(Opener.UNKNOWN);
    }

    private void awaitRecordsUpTo(long ktime) {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (Long.compareUnsigned(recent.readUpTo(), ktime) < 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}

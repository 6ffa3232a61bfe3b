package io.vigil.agent.process;

import io.vigil.bpf.wire.ExecveKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe view of the {@link ProcessCache}'s incarnations by pid, for threads that learn of a
 * pid after the fact (the fanotify observers read an open once the opener may have exited). The
 * cache writes it as it inserts and removes entries, so an exited process stays here as long as in
 * the cache (the grace period after its last reference, 5 s in the agent), and a pid's earlier
 * incarnations stay beside its current one until then. {@link #seen} records how far the enricher
 * has read the process sensors' exec, clone and exit records (their boot-clock time), so that a
 * reader can wait for the exec of a process it has just heard of. Records made in user space
 * (fanotify decisions) do not count: they join the event path ahead of older ring-buffer records.
 */
public final class RecentProcesses {

    /** One incarnation of a pid: its cache key's time (exec, clone or procFS start) and its binary. */
    public record Incarnation(long ktime, String binary) {}

    private final ConcurrentHashMap<Integer, List<Incarnation>> byPid = new ConcurrentHashMap<>();
    private volatile long readUpTo;

    /** The incarnation of pid with the latest start at or before ktime (boot clock); empty if none is known. */
    public Optional<Incarnation> latestStartedBy(int pid, long ktime) {
        Incarnation best = null;
        for (Incarnation i : byPid.getOrDefault(pid, List.of())) {
            if (Long.compareUnsigned(i.ktime(), ktime) <= 0
                    && (best == null || Long.compareUnsigned(i.ktime(), best.ktime()) > 0)) {
                best = i;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The binary of the incarnation with exactly this key, if known. */
    public Optional<String> binaryOf(ExecveKey key) {
        for (Incarnation i : byPid.getOrDefault(key.pid(), List.of())) {
            if (i.ktime() == key.ktime()) {
                return Optional.of(i.binary());
            }
        }
        return Optional.empty();
    }

    /** The boot-clock time of the latest exec, clone or exit record the enricher has read. */
    public long readUpTo() {
        return readUpTo;
    }

    // ---- the writer (the enricher's thread) ----

    void seen(long ktime) {
        if (Long.compareUnsigned(ktime, readUpTo) > 0) {
            readUpTo = ktime;
        }
    }

    void started(ExecveKey key, String binary) {
        Incarnation i = new Incarnation(key.ktime(), binary == null ? "" : binary);
        byPid.compute(key.pid(), (pid, list) -> {
            List<Incarnation> out = list == null ? new ArrayList<>(1) : without(list, key.ktime());
            out.add(i);
            return List.copyOf(out);
        });
    }

    void removed(ExecveKey key) {
        byPid.computeIfPresent(key.pid(), (pid, list) -> {
            List<Incarnation> out = without(list, key.ktime());
            return out.isEmpty() ? null : List.copyOf(out);
        });
    }

    private static List<Incarnation> without(List<Incarnation> list, long ktime) {
        List<Incarnation> out = new ArrayList<>(list.size() + 1);
        for (Incarnation i : list) {
            if (i.ktime() != ktime) {
                out.add(i);
            }
        }
        return out;
    }
}

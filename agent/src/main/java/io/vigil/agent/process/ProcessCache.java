package io.vigil.agent.process;

import io.vigil.api.ProcessInfo;
import io.vigil.bpf.wire.ExecveKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The process cache: one {@link Entry} per process incarnation, keyed by {@link ExecveKey}, plus an
 * index from pid to the pid's current (alive) incarnation.
 *
 * <p><b>Reference counting</b>, as Tetragon's pkg/process does it: an entry holds +1 while the
 * process is alive (from its exec, clone or procFS seed until its exit or its replacement by a later
 * exec), and +1 for each live child whose parent it is (taken when the child is inserted, or later
 * by {@link #linkParent}; given back when the child is retired). {@link #ref}/{@link #unref} add
 * and drop other holds (an in-flight event, if a caller needs one). An entry whose count reaches 0
 * stays for a grace period (late events may still name it) and is then removed by
 * {@link #collect()}; a count that comes back above 0 within the grace period keeps it.
 *
 * <p><b>Bounded</b>: at {@code capacity} entries an insert first removes the oldest entry awaiting
 * collection (counted as collected early), else the least recently used entry (counted as evicted;
 * Tetragon's cache is an LRU of process-cache-size entries too). An evicted live entry gives back
 * its parent's child reference, so eviction does not leak references.
 *
 * <p><b>Threads</b>: every method except {@link #size()}, {@link #liveCount()} and the counters is
 * for the single writer thread (the enricher). The counters are volatile and single-writer, so any
 * thread (the control socket) may read them.
 */
public final class ProcessCache {

    /** How an incarnation came to be known. */
    public enum Origin {
        /** fork/clone: still runs its parent's image */
        CLONE,
        /** exec'd its own image */
        EXEC,
        /** found in /proc at start-up */
        PROCFS
    }

    /** One process incarnation. Fields change only on the writer thread. */
    public static final class Entry {
        private final ExecveKey key;
        private final ExecveKey parentKey;
        private final Origin origin;
        private ProcessInfo info;
        private int refcnt;
        private boolean alive;
        private boolean holdsParentRef;
        private boolean removed;
        private boolean gcQueued;
        private long zeroSinceNanos;
        private long queuedAtNanos;

        private Entry(ExecveKey key, ExecveKey parentKey, Origin origin, ProcessInfo info) {
            this.key = key;
            this.parentKey = parentKey;
            this.origin = origin;
            this.info = info;
        }

        public ExecveKey key() {
            return key;
        }

        public ExecveKey parentKey() {
            return parentKey;
        }

        public Origin origin() {
            return origin;
        }

        public ProcessInfo info() {
            return info;
        }

        public int refcnt() {
            return refcnt;
        }

        /** Between insert and retire (exit or replacement). */
        public boolean alive() {
            return alive;
        }

        /** Holds a child reference on its parent entry. */
        public boolean holdsParentRef() {
            return holdsParentRef;
        }

        @Override
        public String toString() {
            return "Entry" + key + " parent=" + parentKey + " " + origin + " refcnt=" + refcnt
                    + (alive ? " alive" : "") + (removed ? " removed" : "");
        }
    }

    private static final int MAX_ANCESTORS = 256;

    private final int capacity;
    private final long graceNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<ExecveKey, Entry> byKey; // access order: eldest = least recently used
    private final HashMap<Integer, Entry> currentByPid = new HashMap<>();
    private final ArrayDeque<Entry> zeroRef = new ArrayDeque<>();
    private final RecentProcesses recent = new RecentProcesses();

    // single writer, read by any thread
    private volatile int size;
    private volatile int live;
    private volatile int awaiting;
    private volatile long inserted;
    private volatile long collected;
    private volatile long collectedEarly;
    private volatile long evicted;
    private volatile long refcntUnderflows;

    /**
     * @param capacity   most entries kept (live and awaiting collection)
     * @param graceNanos how long an entry with no references stays before {@link #collect()} removes it
     * @param clock      monotonic nanoseconds (System::nanoTime; a fake in tests)
     */
    public ProcessCache(int capacity, long graceNanos, LongSupplier clock) {
        if (capacity < 1 || graceNanos < 0) {
            throw new IllegalArgumentException("capacity must be >= 1 and graceNanos >= 0");
        }
        this.capacity = capacity;
        this.graceNanos = graceNanos;
        this.clock = clock;
        this.byKey = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 2, 0.75f, true);
    }

    /** The incarnations by pid, for other threads: updated on every insert and removal. */
    public RecentProcesses recent() {
        return recent;
    }

    /** The cache's clock, for callers that time things alongside it. */
    public long nanoTime() {
        return clock.getAsLong();
    }

    /** The entry of this incarnation (alive or awaiting collection), or null. Counts as a use. */
    public Entry get(ExecveKey key) {
        return byKey.get(key);
    }

    /** The pid's current alive incarnation, or null. */
    public Entry current(int pid) {
        return currentByPid.get(pid);
    }

    /**
     * Adds an alive incarnation with refcnt 1, takes a child reference on its parent when the parent
     * is cached, and makes it the pid's current incarnation unless a newer one is current. The
     * caller retires the incarnation it replaces. Inserting a key already cached returns the
     * existing entry unchanged.
     */
    public Entry insert(ExecveKey key, ExecveKey parentKey, ProcessInfo info, Origin origin) {
        Entry old = byKey.get(key);
        if (old != null) {
            return old;
        }
        makeRoom();
        Entry e = new Entry(key, parentKey, origin, info);
        e.refcnt = 1;
        e.alive = true;
        byKey.put(key, e);
        recent.started(key, info.binary());
        Entry cur = currentByPid.get(key.pid());
        if (cur == null || Long.compareUnsigned(cur.key.ktime(), key.ktime()) <= 0) {
            currentByPid.put(key.pid(), e);
        }
        linkParent(e);
        size = byKey.size();
        live = live + 1;
        inserted = inserted + 1;
        return e;
    }

    /**
     * Takes the child reference on e's parent if e is alive, does not hold it yet and the parent is
     * cached now. Returns whether e holds it afterwards.
     */
    public boolean linkParent(Entry e) {
        if (e.holdsParentRef || !e.alive || e.removed) {
            return e.holdsParentRef;
        }
        Entry p = byKey.get(e.parentKey);
        if (p != null && p != e) {
            ref(p);
            e.holdsParentRef = true;
        }
        return e.holdsParentRef;
    }

    /** Replaces the ProcessInfo an entry shows (e.g. to add a flag). */
    public void update(Entry e, ProcessInfo info) {
        e.info = info;
    }

    /**
     * The end of an incarnation (exit, or replaced by a later exec): drops its alive reference and
     * its child reference on the parent. Idempotent.
     */
    public void retire(Entry e) {
        if (!e.alive) {
            return;
        }
        e.alive = false;
        live = live - 1;
        currentByPid.remove(e.key.pid(), e);
        releaseParent(e);
        unref(e);
    }

    /** Adds a hold (e.g. an event in flight that names this process). */
    public void ref(Entry e) {
        e.refcnt++;
    }

    /** Drops a hold; at 0 the entry is queued for collection after the grace period. */
    public void unref(Entry e) {
        if (e.refcnt <= 0) {
            refcntUnderflows = refcntUnderflows + 1;
            return;
        }
        if (--e.refcnt == 0 && !e.removed) {
            e.zeroSinceNanos = clock.getAsLong();
            if (!e.gcQueued) {
                e.gcQueued = true;
                e.queuedAtNanos = e.zeroSinceNanos;
                zeroRef.addLast(e);
                awaiting = zeroRef.size();
            }
        }
    }

    /**
     * Removes the entries that have had no reference for the grace period. Returns how many.
     * Entries that were referenced again meanwhile leave the queue and stay.
     */
    public int collect() {
        return collect(clock.getAsLong());
    }

    /** {@link #collect()} at a given time of the cache's clock. */
    public int collect(long now) {
        int removed = 0;
        for (int budget = zeroRef.size(); budget > 0 && !zeroRef.isEmpty(); budget--) {
            Entry e = zeroRef.peekFirst();
            if (e.removed || e.refcnt > 0) {
                zeroRef.pollFirst();
                e.gcQueued = false;
                continue;
            }
            if (now - e.zeroSinceNanos < graceNanos) {
                if (e.zeroSinceNanos != e.queuedAtNanos) {
                    // back to 0 again after being revived: requeue in order of its latest zero
                    zeroRef.pollFirst();
                    e.queuedAtNanos = e.zeroSinceNanos;
                    zeroRef.addLast(e);
                    continue;
                }
                break; // queued in time order: nothing behind it is due either
            }
            zeroRef.pollFirst();
            e.gcQueued = false;
            remove(e);
            removed++;
        }
        if (removed > 0) {
            collected = collected + removed;
            size = byKey.size();
        }
        awaiting = zeroRef.size();
        return removed;
    }

    /**
     * The cached ancestors of a process, nearest first (parent, grandparent, ...), stopping at the
     * first one not cached, at pid 0, or after 256.
     */
    public List<ProcessInfo> ancestors(ExecveKey key) {
        List<ProcessInfo> out = new ArrayList<>();
        Entry e = byKey.get(key);
        while (e != null && out.size() < MAX_ANCESTORS) {
            if (e.parentKey.pid() == 0) {
                break;
            }
            Entry p = byKey.get(e.parentKey);
            if (p == null || p == e) {
                break;
            }
            out.add(p.info);
            e = p;
        }
        return out;
    }

    private void makeRoom() {
        while (byKey.size() >= capacity) {
            Entry victim = null;
            while (!zeroRef.isEmpty()) {
                Entry e = zeroRef.pollFirst();
                e.gcQueued = false;
                if (!e.removed && e.refcnt == 0) {
                    victim = e;
                    break;
                }
            }
            awaiting = zeroRef.size();
            if (victim != null) {
                remove(victim);
                collectedEarly = collectedEarly + 1;
                continue;
            }
            Iterator<Entry> lru = byKey.values().iterator();
            Entry eldest = lru.next();
            if (eldest.alive) {
                eldest.alive = false;
                live = live - 1;
                releaseParent(eldest);
            }
            remove(eldest);
            evicted = evicted + 1;
        }
    }

    private void releaseParent(Entry e) {
        if (e.holdsParentRef) {
            e.holdsParentRef = false;
            Entry p = byKey.get(e.parentKey);
            if (p != null) {
                unref(p);
            }
        }
    }

    private void remove(Entry e) {
        e.removed = true;
        byKey.remove(e.key, e);
        recent.removed(e.key);
        currentByPid.remove(e.key.pid(), e);
        size = byKey.size();
    }

    // ---- readable from any thread ----

    /** Entries cached (alive and awaiting collection). */
    public int size() {
        return size;
    }

    /** Alive incarnations. */
    public int liveCount() {
        return live;
    }

    /** Entries queued for collection (no reference, within the grace period). */
    public int awaitingCollection() {
        return awaiting;
    }

    public long inserted() {
        return inserted;
    }

    public long collected() {
        return collected;
    }

    /** Unreferenced entries removed before their grace period ended, to make room. */
    public long collectedEarly() {
        return collectedEarly;
    }

    /** Referenced entries removed to make room (least recently used first). */
    public long evicted() {
        return evicted;
    }

    /** unref of an entry already at 0: a bookkeeping bug if ever non-zero. */
    public long refcntUnderflows() {
        return refcntUnderflows;
    }

    public int capacity() {
        return capacity;
    }
}

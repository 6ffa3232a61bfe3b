package io.vigil.agent.process;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.events.HookRegistry;
import io.vigil.agent.policy.events.PolicyEventFactory;
import io.vigil.agent.process.ProcessCache.Entry;
import io.vigil.agent.process.ProcessCache.Origin;
import io.vigil.api.Event;
import io.vigil.api.EventBody;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.bpf.wire.CloneMsg;
import io.vigil.bpf.wire.ExecFlags;
import io.vigil.bpf.wire.ExecMsg;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.ExitMsg;
import io.vigil.bpf.wire.GenericMsg;
import io.vigil.bpf.wire.Msg;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns the sensors' process records into Tetragon's process_exec and process_exit events, keeping
 * the {@link ProcessCache} in step. One step: {@link #onMsg}; {@link #tick} between batches retries
 * parked records and collects the cache. Single-threaded, except {@link #stats()}.
 *
 * <ul>
 *   <li><b>exec</b>: a new incarnation {pid, exec ktime} is cached and a process_exec is emitted
 *       with its parent. The pid's previous incarnation is retired. The parent is the one the
 *       kernel names (the process that forked it), except after an exec with no fork in between,
 *       where Tetragon makes the previous image the parent (pkg/process AddExecEvent uses the
 *       cleanup key unless the clone flag is set); Vigil does the same, so {@code sh -c 'exec x'}
 *       shows x under that sh. The first exec after a fork carries the flag word "clone", as
 *       Tetragon's does. If the parent is not cached yet (and is not the kernel, and pid &gt; 1)
 *       the event is parked; given up, it goes out without parent and with the flag "miss".
 *   <li><b>clone</b>: a new incarnation copying its parent's binary, arguments, cwd and creds, with
 *       its own exec_id, pid, start_time and flags "clone" (Tetragon's initProcessInternalClone).
 *       No event: Tetragon exports none. Parked while the parent is missing; dropped if it never
 *       comes. Forks of kernel threads (children of kthreadd, pid 2) are not tracked.
 *   <li><b>exit</b>: a process_exit with the process and its parent, signal name or status; then
 *       the process is retired (its alive reference and its parent's child reference go). If the
 *       process is not cached it is parked; given up, the event names only what the kernel key
 *       gives: exec_id, pid, start_time and the flag "unknown".
 *   <li><b>generic</b> (a tracing-policy hook fired): a process_kprobe, process_tracepoint or
 *       process_lsm ({@link PolicyEventFactory}) with the process (tid set to the calling thread)
 *       and its parent from the cache. The hook is looked up on arrival; an unknown hook id is
 *       counted and dropped. Waiting for the process or the parent parks the record as exit's do
 *       (Tetragon's eventcache does the same for kprobes); given up, it goes out with what the key
 *       gives (flag "unknown") or without parent.
 * </ul>
 */
public final class Enricher {

    /**
     * @param parkCapacity most records parked at once
     * @param maxRetries   retry passes before a parked record is given up
     * @param maxParkNanos longest a record stays parked
     */
    public record Limits(int parkCapacity, int maxRetries, long maxParkNanos) {
        /** 8192 parked records, 20 passes or 2 s (with ticks every 100 ms, the 2 s decides). */
        public static Limits defaults() {
            return new Limits(8192, 20, 2_000_000_000L);
        }
    }

    private static final int KTHREADD_PID = 2;
    private static final int KTHREAD_KEYS_KEPT = 16_384;

    private final String nodeName;
    private final ExecIds ids;
    private final KtimeToWall wall;
    private final ProcessCache cache;
    private final ParkingLot parking;
    private final PolicyEventFactory policyEvents;
    /** Keys of kernel threads seen forking, so that their exits are recognised and ignored. */
    private final Map<ExecveKey, Boolean> kernelThreadKeys = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ExecveKey, Boolean> eldest) {
            return size() > KTHREAD_KEYS_KEPT;
        }
    };

    // single writer, read by any thread
    private volatile long staleReplaced;
    private volatile long seeded;
    private volatile long kernelThreads;

    /** An enricher without policy hooks: every msg_generic is an unknown hook. */
    public Enricher(String nodeName, KtimeToWall toWall, ProcessCache cache, Limits limits) {
        this(nodeName, toWall, cache, limits, new PolicyEventFactory(new HookRegistry()));
    }

    public Enricher(String nodeName, KtimeToWall toWall, ProcessCache cache, Limits limits,
                    PolicyEventFactory policyEvents) {
        this.nodeName = nodeName;
        this.policyEvents = policyEvents;
        this.ids = new ExecIds(nodeName);
        this.wall = toWall;
        this.cache = cache;
        this.parking = new ParkingLot(limits.parkCapacity(), limits.maxRetries(), limits.maxParkNanos(),
                new ParkingLot.Handler() {
                    @Override
                    public boolean resolve(Parked p, Consumer<Event> out) {
                        return Enricher.this.resolve(p, out);
                    }

                    @Override
                    public boolean giveUp(Parked p, Consumer<Event> out) {
                        return Enricher.this.giveUp(p, out);
                    }
                });
    }

    public ProcessCache cache() {
        return cache;
    }

    public ExecIds execIds() {
        return ids;
    }

    public String nodeName() {
        return nodeName;
    }

    /** Wall time of a boot-clock timestamp, as the events carry it. */
    public java.time.Instant timeOf(long ktime) {
        return wall.toInstant(ktime);
    }

    /** One record in, zero or more events out. */
    public void onMsg(Msg msg, Consumer<Event> out) {
        if (msg instanceof ExecMsg) {
            cache.recent().seen(msg.ktime());
            onExec((ExecMsg) msg, out);
        } else if (msg instanceof CloneMsg) {
            cache.recent().seen(msg.ktime());
            onClone((CloneMsg) msg, out);
        } else if (msg instanceof ExitMsg) {
            cache.recent().seen(msg.ktime());
            onExit((ExitMsg) msg, out);
        } else if (msg instanceof GenericMsg) {
            onGeneric((GenericMsg) msg, out);
        }
        // BenchMsg and future record types carry no process lifecycle
    }

    /** {@link #onMsg(Msg, Consumer)} collecting into a list. */
    public List<Event> onMsg(Msg msg) {
        List<Event> out = new ArrayList<>(2);
        onMsg(msg, out::add);
        return out;
    }

    /** Retries every parked record once; gives up those out of retries or time. */
    public void retryParked(long nowNanos, Consumer<Event> out) {
        parking.retry(nowNanos, out);
    }

    /** Between batches: {@link #retryParked}, then the cache's collector. */
    public void tick(long nowNanos, Consumer<Event> out) {
        retryParked(nowNanos, out);
        cache.collect(nowNanos);
    }

    // ---- exec ----

    private void onExec(ExecMsg m, Consumer<Event> out) {
        ExecveKey key = m.process();
        int pid = key.pid();
        Entry prev = cache.current(pid);
        if (prev != null && prev.key().equals(key)) {
            return; // the same record twice
        }
        ExecveKey parentKey = m.parent();
        boolean firstAfterFork = false;
        if (prev != null) {
            if (!prev.parentKey().equals(m.parent())) {
                staleReplaced = staleReplaced + 1; // not this process's earlier image: its exit was lost
            } else if (prev.origin() == Origin.CLONE) {
                firstAfterFork = true;
            } else {
                parentKey = prev.key(); // exec without fork: the previous image is the parent
            }
        }
        int flags = m.flags();
        if (firstAfterFork) {
            flags |= FlagWords.CLONE_SEEN;
        }
        if ("/".equals(m.cwd())) {
            flags |= FlagWords.ROOT_CWD;
        }
        Entry parent = cache.get(parentKey);
        ProcessInfo info = ProcessInfo.builder()
                .execId(ids.of(key))
                .pid(ProcessInfo.uint32(pid))
                .uid(ProcessInfo.uint32(m.euid()))
                .cwd(m.cwd())
                .binary(absolute(m.binary(), m.cwd()))
                .arguments(TetragonArgs.ofExec(m.argv()))
                .flags(FlagWords.of(flags))
                .startTime(wall.toInstant(key.ktime()))
                .auid(ProcessInfo.uint32(m.auid()))
                .parentExecId(parent != null ? parent.info().execId() : ids.parentOf(parentKey))
                .tid(ProcessInfo.uint32(pid))
                .build();
        Entry e = cache.insert(key, parentKey, info, Origin.EXEC);
        if (prev != null) {
            cache.retire(prev);
        }
        if (parent == null && needsParent(pid, parentKey)) {
            Parked p = new Parked(Parked.Kind.EXEC_PARENT, m, cache.nanoTime());
            p.entry = e;
            p.flags = flags;
            p.parentKey = parentKey;
            parking.park(p, out);
            return;
        }
        out.accept(new Event(nodeName, wall.toInstant(m.ktime()),
                new ProcessExec(info, parent == null ? null : parent.info())));
    }

    /** Tetragon's binary: made absolute against the cwd when the kernel gave a relative path. */
    static String absolute(String binary, String cwd) {
        if (binary.isEmpty() || binary.charAt(0) == '/' || cwd.isEmpty()) {
            return binary;
        }
        return Path.of(cwd).resolve(binary).normalize().toString();
    }

    /** Tetragon waits for a parent except for pid 0 and 1 and for children of the kernel. */
    private static boolean needsParent(int pid, ExecveKey parentKey) {
        return pid > 1 && parentKey.pid() != 0;
    }

    // ---- clone ----

    private void onClone(CloneMsg m, Consumer<Event> out) {
        ExecveKey key = m.process();
        Entry parent = cache.get(m.parent());
        if (parent == null) {
            if (m.parent().pid() == KTHREADD_PID || m.parent().pid() == 0) {
                kernelThreadKeys.put(key, Boolean.TRUE);
                kernelThreads = kernelThreads + 1;
                return;
            }
            parking.park(new Parked(Parked.Kind.CLONE_PARENT, m, cache.nanoTime()), out);
            return;
        }
        insertClone(m, parent);
    }

    /** Returns false when the clone is obsolete (a newer incarnation of the pid is known). */
    private boolean insertClone(CloneMsg m, Entry parent) {
        ExecveKey key = m.process();
        Entry cur = cache.current(key.pid());
        if (cur != null) {
            if (cur.key().equals(key)) {
                return true;
            }
            if (Long.compareUnsigned(cur.key().ktime(), key.ktime()) > 0) {
                return false;
            }
            staleReplaced = staleReplaced + 1; // an older incarnation still alive: its exit was lost
            cache.retire(cur);
        }
        ProcessInfo info = parent.info().toBuilder()
                .execId(ids.of(key))
                .pid(ProcessInfo.uint32(key.pid()))
                .tid(ProcessInfo.uint32(key.pid()))
                .startTime(wall.toInstant(key.ktime()))
                .parentExecId(parent.info().execId())
                .flags(FlagWords.of(m.flags()))
                .refcnt(1) // as Tetragon's cached clone (initProcessInternalClone sets Refcnt = 1)
                .build();
        cache.insert(key, m.parent(), info, Origin.CLONE);
        return true;
    }

    // ---- exit ----

    private void onExit(ExitMsg m, Consumer<Event> out) {
        Entry e = cache.get(m.process());
        if (e == null) {
            if (kernelThreadKeys.remove(m.process()) != null) {
                kernelThreads = kernelThreads + 1;
                return;
            }
            parking.park(new Parked(Parked.Kind.EXIT_PROCESS, m, cache.nanoTime()), out);
            return;
        }
        Parked p = exitOf(m, e, null, out);
        if (p != null) {
            parking.park(p, out);
        }
    }

    /**
     * Emits the exit of a cached process and retires it; if its parent is missing, returns the
     * record to park instead (p itself when already parked).
     */
    private Parked exitOf(ExitMsg m, Entry e, Parked p, Consumer<Event> out) {
        ProcessInfo process = e.info();
        ExecveKey parentKey = e.parentKey();
        Entry parent = cache.get(parentKey);
        cache.retire(e);
        if (parent == null && needsParent(m.process().pid(), parentKey)) {
            if (p == null) {
                p = new Parked(Parked.Kind.EXIT_PARENT, m, cache.nanoTime());
            }
            p.kind = Parked.Kind.EXIT_PARENT;
            p.process = process;
            p.parentKey = parentKey;
            return p;
        }
        emitExit(m, process, parent == null ? null : parent.info(), out);
        return null;
    }

    private void emitExit(ExitMsg m, ProcessInfo process, ProcessInfo parent, Consumer<Event> out) {
        Instant t = wall.toInstant(m.ktime());
        out.accept(new Event(nodeName, t,
                new ProcessExit(process, parent, Signals.name(m.signal()), m.status(), t)));
    }

    // ---- generic (policy hooks) ----

    private void onGeneric(GenericMsg m, Consumer<Event> out) {
        HookDescriptor hook = policyEvents.hookOf(m);
        if (hook == null) {
            return;
        }
        Entry e = cache.get(m.process());
        if (e == null) {
            Parked p = new Parked(Parked.Kind.GENERIC_PROCESS, m, cache.nanoTime());
            p.hook = hook;
            parking.park(p, out);
            return;
        }
        Parked p = genericOf(m, hook, e, null, out);
        if (p != null) {
            parking.park(p, out);
        }
    }

    /** Emits the event of a cached process; if its parent is missing, returns the record to park instead. */
    private Parked genericOf(GenericMsg m, HookDescriptor hook, Entry e, Parked p, Consumer<Event> out) {
        ExecveKey parentKey = e.parentKey();
        Entry parent = cache.get(parentKey);
        if (parent == null && needsParent(m.process().pid(), parentKey)) {
            if (p == null) {
                p = new Parked(Parked.Kind.GENERIC_PARENT, m, cache.nanoTime());
                p.hook = hook;
            }
            p.kind = Parked.Kind.GENERIC_PARENT;
            p.process = e.info();
            p.parentKey = parentKey;
            return p;
        }
        emitGeneric(m, hook, e.info(), parent == null ? null : parent.info(), out);
        return null;
    }

    private void emitGeneric(GenericMsg m, HookDescriptor hook, ProcessInfo process, ProcessInfo parent,
                             Consumer<Event> out) {
        EventBody body = policyEvents.body(hook, m, process, parent);
        if (body != null) {
            out.accept(new Event(nodeName, wall.toInstant(m.ktime()), body));
        }
    }

    // ---- parked records ----

    private boolean resolve(Parked p, Consumer<Event> out) {
        switch (p.kind) {
            case EXEC_PARENT: {
                Entry parent = cache.get(p.parentKey);
                if (parent == null) {
                    return false;
                }
                cache.linkParent(p.entry);
                ExecMsg m = (ExecMsg) p.msg;
                out.accept(new Event(nodeName, wall.toInstant(m.ktime()), new ProcessExec(p.entry.info(), parent.info())));
                return true;
            }
            case CLONE_PARENT: {
                CloneMsg m = (CloneMsg) p.msg;
                Entry parent = cache.get(m.parent());
                if (parent == null) {
                    return false;
                }
                insertClone(m, parent); // an obsolete clone is simply not inserted
                return true;
            }
            case EXIT_PROCESS: {
                ExitMsg m = (ExitMsg) p.msg;
                Entry e = cache.get(m.process());
                if (e == null) {
                    return false;
                }
                return exitOf(m, e, p, out) == null; // still waiting for the parent: stays parked
            }
            case EXIT_PARENT: {
                Entry parent = cache.get(p.parentKey);
                if (parent == null) {
                    return false;
                }
                emitExit((ExitMsg) p.msg, p.process, parent.info(), out);
                return true;
            }
            case GENERIC_PROCESS: {
                GenericMsg m = (GenericMsg) p.msg;
                Entry e = cache.get(m.process());
                if (e == null) {
                    return false;
                }
                return genericOf(m, p.hook, e, p, out) == null;
            }
            case GENERIC_PARENT: {
                Entry parent = cache.get(p.parentKey);
                if (parent == null) {
                    return false;
                }
                emitGeneric((GenericMsg) p.msg, p.hook, p.process, parent.info(), out);
                return true;
            }
            default:
                throw new IllegalStateException("unknown parked kind " + p.kind);
        }
    }

    private boolean giveUp(Parked p, Consumer<Event> out) {
        switch (p.kind) {
            case EXEC_PARENT: {
                ProcessInfo info = p.entry.info();
                if (!FlagWords.has(info.flags(), "miss")) {
                    info = info.withFlags(FlagWords.of(p.flags | ExecFlags.PARENT_GUESSED));
                    cache.update(p.entry, info);
                }
                out.accept(new Event(nodeName, wall.toInstant(p.msg.ktime()), new ProcessExec(info, null)));
                return true;
            }
            case CLONE_PARENT:
                return false;
            case EXIT_PROCESS: {
                ExitMsg m = (ExitMsg) p.msg;
                ExecveKey key = m.process();
                ProcessInfo bare = ProcessInfo.builder()
                        .execId(ids.of(key))
                        .pid(ProcessInfo.uint32(key.pid()))
                        .flags(FlagWords.of(FlagWords.UNKNOWN))
                        .startTime(wall.toInstant(key.ktime()))
                        .build();
                emitExit(m, bare, null, out);
                return true;
            }
            case EXIT_PARENT:
                emitExit((ExitMsg) p.msg, p.process, null, out);
                return true;
            case GENERIC_PROCESS: {
                GenericMsg m = (GenericMsg) p.msg;
                ExecveKey key = m.process();
                ProcessInfo bare = ProcessInfo.builder()
                        .execId(ids.of(key))
                        .pid(ProcessInfo.uint32(key.pid()))
                        .flags(FlagWords.of(FlagWords.UNKNOWN))
                        .startTime(wall.toInstant(key.ktime()))
                        .build();
                emitGeneric(m, p.hook, bare, null, out);
                return true;
            }
            case GENERIC_PARENT:
                emitGeneric((GenericMsg) p.msg, p.hook, p.process, null, out);
                return true;
            default:
                throw new IllegalStateException("unknown parked kind " + p.kind);
        }
    }

    // ---- seeding ----

    /**
     * Kernel threads running at start-up ({@link ProcFsScanner#lastKernelThreads()}): their exit
     * records are dropped quietly instead of being parked and reported as unknown processes.
     */
    public void ignoreKernelThreads(Collection<ExecveKey> keys) {
        for (ExecveKey k : keys) {
            kernelThreadKeys.put(k, Boolean.TRUE);
        }
    }

    /**
     * Seeds the cache with processes found at start-up (flags "procFS") and emits a process_exec
     * for each, as Tetragon does for what it reads from /proc; the caller may discard them. Parents
     * are linked whatever the order given. Returns how many were added.
     */
    public int seedAll(Collection<SeedProcess> processes, Consumer<Event> out) {
        List<SeedProcess> sorted = new ArrayList<>(processes);
        sorted.sort(Comparator.comparingLong(SeedProcess::ktime).thenComparingInt(SeedProcess::pid));
        List<Entry> added = new ArrayList<>(sorted.size());
        for (SeedProcess s : sorted) {
            Entry e = seed(s);
            if (e != null) {
                added.add(e);
            }
        }
        for (Entry e : added) {
            cache.linkParent(e); // parents that sorted after their child (reparented to a later subreaper)
        }
        for (Entry e : added) {
            Entry parent = cache.get(e.parentKey());
            out.accept(new Event(nodeName, e.info().startTime(),
                    new ProcessExec(e.info(), parent == null ? null : parent.info())));
        }
        return added.size();
    }

    /**
     * Seeds one process; null if it is cached already or a newer incarnation of its pid is known.
     * Emits nothing.
     */
    public Entry seed(SeedProcess s) {
        ExecveKey key = s.key();
        if (cache.get(key) != null) {
            return null;
        }
        Entry cur = cache.current(s.pid());
        if (cur != null && Long.compareUnsigned(cur.key().ktime(), key.ktime()) >= 0) {
            return null;
        }
        int flags = ExecFlags.PROCFS | (s.cwdError() ? FlagWords.ROOT_CWD | ExecFlags.ERROR_CWD : 0);
        ProcessInfo info = ProcessInfo.builder()
                .execId(ids.of(key))
                .pid(ProcessInfo.uint32(s.pid()))
                .uid(ProcessInfo.uint32(s.euid()))
                .cwd(s.cwd())
                .binary(s.binary())
                .arguments(TetragonArgs.ofProcFs(s.argv()))
                .flags(FlagWords.of(flags))
                .startTime(wall.toInstant(s.ktime()))
                .auid(ProcessInfo.uint32(s.auid()))
                .parentExecId(ids.parentOf(s.parent()))
                .tid(ProcessInfo.uint32(s.pid()))
                .build();
        if (cur != null) {
            cache.retire(cur);
        }
        Entry e = cache.insert(key, s.parent(), info, Origin.PROCFS);
        seeded = seeded + 1;
        return e;
    }

    // ---- stats ----

    /** The policy events' counters; callable from any thread. */
    public io.vigil.agent.policy.events.PolicyEventStats policyStats() {
        return policyEvents.stats();
    }

    /** A snapshot of the counters; callable from any thread. */
    public CacheStats stats() {
        return new CacheStats(cache.size(), cache.liveCount(), cache.awaitingCollection(), parking.size(),
                cache.inserted(), cache.collected(), cache.collectedEarly(), cache.evicted(),
                cache.refcntUnderflows(), parking.total(), parking.resolved(), parking.gaveUp(), parking.dropped(),
                parking.overflow(), staleReplaced, seeded, kernelThreads);
    }
}

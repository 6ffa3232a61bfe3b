package io.vigil.api.json;

import io.vigil.api.ProcessInfo;
import java.util.function.Function;

/**
 * The serialized JSON of recently written {@link ProcessInfo} objects, by object identity.
 *
 * <p>The process and parent objects are most of every event's bytes and the same instances recur:
 * the process cache hands out one immutable ProcessInfo per incarnation (exec and exit of a process
 * show the same object, and so do all the events of a parent's children). Identity keeps this
 * correct without invalidation: a ProcessInfo cannot change, and an update (a flag, a refcnt) is a
 * new object, hence a miss. Nothing needs to tell this cache that a process exited.
 *
 * <p>Bounded: {@link #SLOTS} entries, two-way set-associative on the identity hash; a miss replaces
 * the older entry of its set. It keeps at most that many ProcessInfo objects (and their JSON, about
 * 0.5 KB each) reachable after the process cache dropped them, about 1 MB in all.
 *
 * <p>Safe to share between threads without locks: a slot holds one immutable {@link Slot} (final
 * fields, so a racy reader sees it whole or not at all); races only cost misses.
 */
final class ProcessJsonCache {
    static final int SLOTS = 1024;

    private record Slot(ProcessInfo info, RawJson json) {
    }

    private final Slot[] slots = new Slot[SLOTS];
    private final Function<ProcessInfo, byte[]> serializer;

    /** @param serializer the uncached serialization of one process object */
    ProcessJsonCache(Function<ProcessInfo, byte[]> serializer) {
        this.serializer = serializer;
    }

    RawJson json(ProcessInfo p) {
        int i = (System.identityHashCode(p) << 1) & (SLOTS - 1); // even index: the set's first way
        Slot a = slots[i];
        if (a != null && a.info == p) {
            return a.json;
        }
        Slot b = slots[i + 1];
        if (b != null && b.info == p) {
            return b.json;
        }
        Slot s = new Slot(p, new RawJson(serializer.apply(p)));
        slots[i + 1] = a; // the first way holds the newest, the second the one before
        slots[i] = s;
        return s.json;
    }
}

package io.vigil.agent.process;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of the process cache and the enricher's parking lot, for `vigil status`.
 *
 * @param entries          cached incarnations (alive + awaiting collection)
 * @param live             alive incarnations
 * @param awaitingCollect  unreferenced entries inside their grace period
 * @param parked           events waiting for a process or parent to appear
 * @param inserted         incarnations ever inserted
 * @param collected        entries removed after their grace period
 * @param collectedEarly   unreferenced entries removed before their grace period, to make room
 * @param evicted          referenced entries removed to make room (LRU): their later events lack data
 * @param refcntUnderflows releases of an entry already at 0 (bookkeeping bugs; should stay 0)
 * @param parkedTotal      events ever parked
 * @param parkedResolved   parked events completed by a retry
 * @param parkedGaveUp     parked events emitted incomplete after the retries or time ran out
 * @param parkedDropped    parked records given up without an event (clones whose parent never came)
 * @param parkOverflow     parked events given up early because the parking lot was full
 * @param staleReplaced    alive incarnations replaced by an unrelated one on the same pid (lost exit)
 * @param seeded           processes seeded from /proc
 * @param kernelThreads    clone/exit records of kernel threads (children of kthreadd), not tracked
 */
public record CacheStats(long entries, long live, long awaitingCollect, long parked, long inserted,
                         long collected, long collectedEarly, long evicted, long refcntUnderflows,
                         long parkedTotal, long parkedResolved, long parkedGaveUp, long parkedDropped,
                         long parkOverflow, long staleReplaced, long seeded, long kernelThreads) {

    /** Events the enricher could not emit at all. */
    public long droppedEvents() {
        return parkedDropped;
    }

    /** The same numbers under snake_case names, in declaration order. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("entries", entries);
        m.put("live", live);
        m.put("awaiting_collect", awaitingCollect);
        m.put("parked", parked);
        m.put("inserted", inserted);
        m.put("collected", collected);
        m.put("collected_early", collectedEarly);
        m.put("evicted", evicted);
        m.put("refcnt_underflows", refcntUnderflows);
        m.put("parked_total", parkedTotal);
        m.put("parked_resolved", parkedResolved);
        m.put("parked_gave_up", parkedGaveUp);
        m.put("parked_dropped", parkedDropped);
        m.put("park_overflow", parkOverflow);
        m.put("stale_replaced", staleReplaced);
        m.put("seeded", seeded);
        m.put("kernel_threads", kernelThreads);
        return m;
    }
}

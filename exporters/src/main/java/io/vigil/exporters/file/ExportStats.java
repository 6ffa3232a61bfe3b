package io.vigil.exporters.file;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the file exporter did with the events it was given. Every event it accepts ends in exactly
 * one of: written, filtered (by the allow/deny lists: chosen, not lost), rate-limited (dropped, and
 * reported in the file by a rate_limit_info event), failed (a write that threw). Read from any thread.
 */
public final class ExportStats {
    public final LongAdder written = new LongAdder();
    public final LongAdder filtered = new LongAdder();
    public final LongAdder rateLimited = new LongAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder rateLimitInfos = new LongAdder();
    public final LongAdder rotations = new LongAdder();
    public final LongAdder compressed = new LongAdder();
    public final LongAdder compressFailures = new LongAdder();
    public final LongAdder backupsRemoved = new LongAdder();
    public final LongAdder pruneFailures = new LongAdder();

    /** Events that did not reach the file although nobody chose to leave them out. */
    public long lost() {
        return rateLimited.sum() + failed.sum();
    }

    /** Snapshot with stable snake_case names, for `vigil status`. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("written", written.sum());
        m.put("filtered", filtered.sum());
        m.put("rate_limited", rateLimited.sum());
        m.put("failed", failed.sum());
        m.put("rate_limit_info_events", rateLimitInfos.sum());
        m.put("rotations", rotations.sum());
        m.put("compressed", compressed.sum());
        m.put("compress_failures", compressFailures.sum());
        m.put("backups_removed", backupsRemoved.sum());
        m.put("prune_failures", pruneFailures.sum());
        return m;
    }
}

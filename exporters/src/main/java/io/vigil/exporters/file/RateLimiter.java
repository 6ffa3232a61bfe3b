package io.vigil.exporters.file;

import java.util.function.LongSupplier;

/**
 * Tetragon's {@code --export-rate-limit}: at most N events a minute, as a token bucket holding up
 * to N tokens and refilled at N per minute (a burst of N, then a steady N/min). Dropped events are
 * counted; once per report interval (a minute, as in Tetragon) {@link #takeReport} hands back how
 * many were dropped since the last report, for the exporter to write as a rate_limit_info event.
 * Time comes from the injected monotonic clock. Single-threaded.
 */
public final class RateLimiter {
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final long perMinute;
    private final long reportIntervalNanos;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastRefill;
    private long lastReport;
    private long droppedSinceReport;

    public RateLimiter(long perMinute, long reportIntervalNanos, LongSupplier nanoClock) {
        if (perMinute <= 0) {
            throw new IllegalArgumentException("--export-rate-limit must be > 0 events per minute (or -1 for none)");
        }
        this.perMinute = perMinute;
        this.reportIntervalNanos = reportIntervalNanos;
        this.nanoClock = nanoClock;
        this.tokens = perMinute;
        this.lastRefill = nanoClock.getAsLong();
        this.lastReport = lastRefill;
    }

    public RateLimiter(long perMinute, LongSupplier nanoClock) {
        this(perMinute, MINUTE_NANOS, nanoClock);
    }

    /** Takes a token: true if the event may go out, false if it is dropped (and counted). */
    public boolean allow(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        droppedSinceReport++;
        return false;
    }

    private void refill(long now) {
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(perMinute, tokens + (double) elapsed * perMinute / MINUTE_NANOS);
            lastRefill = now;
        }
    }

    /**
     * Dropped events to report now: the count since the last report if the report interval has
     * passed (or {@code force}, at close) and it is not zero; else 0.
     */
    public long takeReport(long nowNanos, boolean force) {
        if (droppedSinceReport == 0 || (!force && nowNanos - lastReport < reportIntervalNanos)) {
            return 0;
        }
        long n = droppedSinceReport;
        droppedSinceReport = 0;
        lastReport = nowNanos;
        return n;
    }

    public long nanoNow() {
        return nanoClock.getAsLong();
    }
}

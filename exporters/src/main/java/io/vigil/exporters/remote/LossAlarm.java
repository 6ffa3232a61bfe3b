package io.vigil.exporters.remote;

import io.vigil.api.Event;
import io.vigil.api.ExportLoss;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Turns the loss counters of remote exporters into {@code export_loss} alert events, at most one per
 * exporter per interval, each carrying the count lost since the previous one. It only reads counters
 * the exporters bump, so an exporter's caller never waits for an alert; {@link #due} is called from
 * the one thread that writes the alerts out (the pipeline's sink thread, through {@link LossAlertSink}).
 */
public final class LossAlarm {
    /** Tetragon reports rate_limit_info once a minute; a lost security event deserves quicker notice. */
    public static final long DEFAULT_INTERVAL_NANOS = 10_000_000_000L;

    /** What the alarm watches: an exporter's running loss count, and why it last lost. */
    public interface Source {
        String name();

        /** Events lost since the exporter started; never decreases. */
        long lost();

        ExportLoss.Reason lastLossReason();
    }

    private static final class Watched {
        final Source source;
        long alerted;       // lost() as of the last alert
        long lastAlertNanos;
        boolean everAlerted;
        Instant since;

        Watched(Source source, Instant since) {
            this.source = source;
            this.since = since;
        }
    }

    private final List<Watched> watched = new ArrayList<>();
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final InstantSource wallClock;
    private final String nodeName;

    public LossAlarm(List<? extends Source> sources, long intervalNanos, String nodeName, LongSupplier nanoClock,
                     InstantSource wallClock) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("the alert interval must be positive, not " + intervalNanos + " ns");
        }
        this.intervalNanos = intervalNanos;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.nodeName = Objects.requireNonNullElse(nodeName, "");
        Instant start = wallClock.instant();
        for (Source s : sources) {
            watched.add(new Watched(s, start));
        }
    }

    /**
     * An alert in words, for the receivers' message fields (ECS message, CEF msg):
     * "the kafka exporter lost 12 events (40 since the agent started): spool_full".
     */
    public static String describe(ExportLoss l) {
        return "the " + l.exporter() + " exporter lost " + l.lost() + (l.lost() == 1 ? " event" : " events")
                + " (" + l.total() + " since the agent started): " + l.reason().json();
    }

    /**
     * The alerts due now: one for each exporter that lost events since its last alert, if it has not
     * had one yet or the interval has passed since (or {@code force}, at close). The first loss is
     * reported at once; later ones wait for the interval and are summed.
     */
    public List<Event> due(boolean force) {
        long now = nanoClock.getAsLong();
        List<Event> out = List.of();
        for (Watched w : watched) {
            long total = w.source.lost();
            long lost = total - w.alerted;
            if (lost <= 0 || !(force || !w.everAlerted || now - w.lastAlertNanos >= intervalNanos)) {
                continue;
            }
            Instant t = wallClock.instant();
            if (out.isEmpty()) {
                out = new ArrayList<>(watched.size());
            }
            out.add(new Event(nodeName, t, new ExportLoss(w.source.name(), w.source.lastLossReason(), lost, total, w.since)));
            w.alerted = total;
            w.lastAlertNanos = now;
            w.everAlerted = true;
            w.since = t;
        }
        return out;
    }
}

package io.vigil.exporters.remote;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.ExportLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes the {@link LossAlarm}'s alerts into the agent's other outputs: the local ones (stdout, the JSON
 * file) and the other remote exporters, because security teams read the SIEM: a loss of the Kafka
 * exporter shows up in Elasticsearch and syslog, and the other way round. An alert never goes to the
 * exporter whose loss it reports: that one is failing (its queue and spool are full, or its disk is),
 * so its own alert would be lost or wait behind its backlog.
 *
 * <p>A sink in the pipeline's list that ignores the events it is handed and uses each call as a tick.
 * Losses happen as events arrive, so the ticks come when alerts are due; an alert still pending when
 * the events stop goes out with the next event or at close. Put it after the remote exporters (their
 * losses at close are then counted) and before the local outputs (they are still open at its close);
 * at close the remotes are closed already, so the last alerts reach the local outputs only. It owns
 * none of its targets: the pipeline flushes and closes them. Two remotes failing together send each
 * other alerts, and may lose those too: no loop, as each exporter's alerts are at most one per interval.
 */
public final class LossAlertSink implements EventSink {
    private final LossAlarm alarm;
    private final List<EventSink> targets;
    private final Map<String, EventSink> remotes;
    private final LongAdder alerts = new LongAdder();
    private final LongAdder targetFailures = new LongAdder();

    /** Alerts to the local outputs only. */
    public LossAlertSink(LossAlarm alarm, List<EventSink> targets) {
        this(alarm, targets, Map.of());
    }

    /**
     * @param targets the local outputs: every alert
     * @param remotes the remote exporters by name ({@link LossAlarm.Source#name()}): every alert but
     *                their own
     */
    public LossAlertSink(LossAlarm alarm, List<EventSink> targets, Map<String, ? extends EventSink> remotes) {
        this.alarm = Objects.requireNonNull(alarm, "alarm");
        this.targets = List.copyOf(targets);
        this.remotes = new LinkedHashMap<>(remotes);
    }

    @Override
    public void accept(Event event) {
        emit(false, true);
    }

    @Override
    public void flush() {
        emit(false, true);
    }

    @Override
    public void close() {
        emit(true, false); // the remotes come first in the pipeline: closed by now
    }

    private void emit(boolean force, boolean toRemotes) {
        for (Event alert : alarm.due(force)) {
            alerts.increment();
            for (EventSink t : targets) {
                deliver(t, alert);
            }
            if (!toRemotes) {
                continue;
            }
            String lossOf = ((ExportLoss) alert.body()).exporter();
            remotes.forEach((name, remote) -> {
                if (!name.equals(lossOf)) {
                    deliver(remote, alert);
                }
            });
        }
    }

    private void deliver(EventSink target, Event alert) {
        try {
            target.accept(alert);
        } catch (RuntimeException e) {
            targetFailures.increment(); // one broken output must not keep the alert from the others
        }
    }

    /** Alerts written so far. */
    public long alerts() {
        return alerts.sum();
    }

    /** Times a target threw on an alert. */
    public long targetFailures() {
        return targetFailures.sum();
    }
}

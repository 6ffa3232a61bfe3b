package io.vigil.exporters.remote;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes the {@link LossAlarm}'s alerts into the agent's other outputs (stdout, the JSON file): a sink
 * in the pipeline's list that ignores the events it is handed and uses each call as a tick. Losses
 * happen as events arrive, so the ticks come when alerts are due; an alert still pending when the
 * events stop goes out with the next event or at close. Put it after the remote exporters (their
 * losses at close are then counted) and before its targets (they are still open at its close). It
 * does not own the targets: the pipeline flushes and closes them.
 */
public final class LossAlertSink implements EventSink {
    private final LossAlarm alarm;
    private final List<EventSink> targets;
    private final LongAdder alerts = new LongAdder();
    private final LongAdder targetFailures = new LongAdder();

    public LossAlertSink(LossAlarm alarm, List<EventSink> targets) {
        this.alarm = Objects.requireNonNull(alarm, "alarm");
        this.targets = List.copyOf(targets);
    }

    @Override
    public void accept(Event event) {
        emit(false);
    }

    @Override
    public void flush() {
        emit(false);
    }

    @Override
    public void close() {
        emit(true);
    }

    private void emit(boolean force) {
        for (Event alert : alarm.due(force)) {
            alerts.increment();
            for (EventSink t : targets) {
                try {
                    t.accept(alert);
                } catch (RuntimeException e) {
                    targetFailures.increment(); // one broken output must not keep the alert from the others
                }
            }
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

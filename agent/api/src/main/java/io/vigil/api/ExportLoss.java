package io.vigil.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The agent's own alert: a remote exporter lost events (Vigil's counterpart of Tetragon's
 * {@code rate_limit_info}, which only counts; this one says which exporter and why). At most one per
 * exporter per alert interval, carrying what was lost since the previous one, so that a loss is
 * counted and reported, never silent. Not about a process: {@link #process()} is null.
 *
 * @param exporter the exporter that lost them (syslog, kafka, elasticsearch)
 * @param reason   why, as of the latest loss in the interval
 * @param lost     events lost since {@code since}
 * @param total    events this exporter lost since the agent started
 * @param since    the start of the interval these losses fall in: the previous alert, or when the agent
 *                 started watching the exporter
 */
public record ExportLoss(String exporter, Reason reason, long lost, long total, Instant since) implements EventBody {
    public static final String JSON_KEY = "export_loss";

    /** Why events were lost; {@link #json()} is the wire value, never the ordinal. */
    public enum Reason {
        /** The memory queue was full and there is no spool to overflow to. */
        QUEUE_FULL("queue_full"),
        /** The memory queue and the disk spool were both full. */
        SPOOL_FULL("spool_full"),
        /** Writing to the spool failed (disk error). */
        SPOOL_FAILED("spool_failed"),
        /** At close, records still in memory could not be delivered or spooled. */
        CLOSE_TIMEOUT("close_timeout");

        private final String json;

        Reason(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    public ExportLoss {
        Objects.requireNonNull(exporter, "exporter");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
        if (lost <= 0 || total < lost) {
            throw new IllegalArgumentException("an alert needs 0 < lost <= total, not " + lost + "/" + total);
        }
    }

    @Override
    public String jsonKey() {
        return JSON_KEY;
    }

    /** None: the alert is about the agent's exporter. */
    @Override
    public ProcessInfo process() {
        return null;
    }
}

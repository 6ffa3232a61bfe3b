package io.vigil.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A process's last thread exited.
 *
 * @param process the process that exited
 * @param parent  its parent, or null when unknown
 * @param signal  the signal that killed it ("SIGKILL"), or empty when it exited by itself
 * @param status  its exit status (uint32), 0 when killed by a signal
 * @param time    when it exited, or null
 */
public record ProcessExit(ProcessInfo process, ProcessInfo parent, String signal, long status, Instant time)
        implements EventBody {
    public static final String JSON_KEY = "process_exit";

    public ProcessExit {
        Objects.requireNonNull(process, "process");
        signal = Objects.requireNonNullElse(signal, "");
        if (status < 0 || status > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("status must be a uint32, not " + status);
        }
    }

    @Override
    public String jsonKey() {
        return JSON_KEY;
    }
}

package io.vigil.api;

import java.util.Objects;

/**
 * A process exec'd a new image, or was found running at start-up (flags "procFS").
 *
 * @param process the process after the exec
 * @param parent  its parent, or null when the parent is unknown (then omitted from JSON)
 */
public record ProcessExec(ProcessInfo process, ProcessInfo parent) implements EventBody {
    public static final String JSON_KEY = "process_exec";

    public ProcessExec {
        Objects.requireNonNull(process, "process");
    }

    @Override
    public String jsonKey() {
        return JSON_KEY;
    }
}

package io.vigil.api;

import java.util.List;
import java.util.Objects;

/**
 * A tracepoint of a tracing policy fired: Tetragon's {@code ProcessTracepoint}.
 *
 * @param subsys the tracepoint's subsystem, e.g. {@code syscalls}
 * @param event  the tracepoint, e.g. {@code sys_enter_openat}
 */
public record ProcessTracepoint(ProcessInfo process, ProcessInfo parent, String subsys, String event,
                                List<KprobeArgument> args, String policyName, KprobeAction action, String message,
                                List<String> tags) implements PolicyEvent {
    public static final String JSON_KEY = "process_tracepoint";

    public ProcessTracepoint {
        Objects.requireNonNull(process, "process");
        subsys = Objects.requireNonNullElse(subsys, "");
        event = Objects.requireNonNullElse(event, "");
        args = List.copyOf(args);
        policyName = Objects.requireNonNullElse(policyName, "");
        action = Objects.requireNonNullElse(action, KprobeAction.UNKNOWN);
        message = Objects.requireNonNullElse(message, "");
        tags = List.copyOf(tags);
    }

    @Override
    public String jsonKey() {
        return JSON_KEY;
    }
}

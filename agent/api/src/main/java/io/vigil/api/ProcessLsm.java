package io.vigil.api;

import java.util.List;
import java.util.Objects;

/**
 * A BPF-LSM hook of a tracing policy fired: Tetragon's {@code ProcessLsm}. It has no return value.
 *
 * @param functionName the LSM hook, e.g. {@code file_open}
 */
public record ProcessLsm(ProcessInfo process, ProcessInfo parent, String functionName, String policyName,
                         String message, List<KprobeArgument> args, KprobeAction action, List<String> tags)
        implements PolicyEvent {
    public static final String JSON_KEY = "process_lsm";

    public ProcessLsm {
        Objects.requireNonNull(process, "process");
        functionName = Objects.requireNonNullElse(functionName, "");
        policyName = Objects.requireNonNullElse(policyName, "");
        message = Objects.requireNonNullElse(message, "");
        args = List.copyOf(args);
        action = Objects.requireNonNullElse(action, KprobeAction.UNKNOWN);
        tags = List.copyOf(tags);
    }

    @Override
    public String jsonKey() {
        return JSON_KEY;
    }
}

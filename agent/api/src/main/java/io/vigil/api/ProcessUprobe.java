package io.vigil.api;

import java.util.List;
import java.util.Objects;

/**
 * A uprobe of a tracing policy fired: Tetragon's {@code ProcessUprobe}.
 *
 * @param path   the binary or library the uprobe is on
 * @param symbol the function probed
 */
public record ProcessUprobe(ProcessInfo process, ProcessInfo parent, String path, String symbol, String policyName,
                            String message, List<KprobeArgument> args, KprobeAction action, List<String> tags)
        implements PolicyEvent {
    public static final String JSON_KEY = "process_uprobe";

    public ProcessUprobe {
        Objects.requireNonNull(process, "process");
        path = Objects.requireNonNullElse(path, "");
        symbol = Objects.requireNonNullElse(symbol, "");
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

package io.vigil.api;

import java.util.List;
import java.util.Objects;

/**
 * A USDT probe of a tracing policy fired: Tetragon's {@code ProcessUsdt}.
 *
 * @param path     the binary or library the probe is in
 * @param provider the probe's provider (the first argument of DTRACE_PROBE*)
 * @param name     the probe's name
 */
public record ProcessUsdt(ProcessInfo process, ProcessInfo parent, String path, String provider, String name,
                          String policyName, String message, List<KprobeArgument> args, KprobeAction action,
                          List<String> tags) implements PolicyEvent {
    public static final String JSON_KEY = "process_usdt";

    public ProcessUsdt {
        Objects.requireNonNull(process, "process");
        path = Objects.requireNonNullElse(path, "");
        provider = Objects.requireNonNullElse(provider, "");
        name = Objects.requireNonNullElse(name, "");
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

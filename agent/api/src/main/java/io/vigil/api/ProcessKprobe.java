package io.vigil.api;

import java.util.List;
import java.util.Objects;

/**
 * A kprobe (or fentry, or a syscall traced by whichever backend) of a tracing policy fired:
 * Tetragon's {@code ProcessKprobe}.
 *
 * @param process      the calling process, tid set to the calling thread
 * @param parent       its parent, or null when unknown
 * @param functionName the hooked function, e.g. {@code __x64_sys_openat} or {@code security_file_permission}
 * @param args         the arguments the policy asked for
 * @param returnArg    the return value when the policy has a returnArg, else null
 * @param action       what the hook did
 * @param policyName   the policy's metadata.name
 * @param returnAction the action at return for hooks with a return probe, else UNKNOWN (omitted)
 * @param message      the hook's message, or empty
 * @param tags         the hook's tags
 */
public record ProcessKprobe(ProcessInfo process, ProcessInfo parent, String functionName, List<KprobeArgument> args,
                            KprobeArgument returnArg, KprobeAction action, String policyName,
                            KprobeAction returnAction, String message, List<String> tags) implements PolicyEvent {
    public static final String JSON_KEY = "process_kprobe";

    public ProcessKprobe {
        Objects.requireNonNull(process, "process");
        functionName = Objects.requireNonNullElse(functionName, "");
        args = List.copyOf(args);
        action = Objects.requireNonNullElse(action, KprobeAction.UNKNOWN);
        policyName = Objects.requireNonNullElse(policyName, "");
        returnAction = Objects.requireNonNullElse(returnAction, KprobeAction.UNKNOWN);
        message = Objects.requireNonNullElse(message, "");
        tags = List.copyOf(tags);
    }

    @Override
    public String jsonKey() {
        return JSON_KEY;
    }
}

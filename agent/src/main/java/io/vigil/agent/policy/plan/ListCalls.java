package io.vigil.agent.policy.plan;

import io.vigil.bpf.Backend;
import io.vigil.policy.ListSpec;
import io.vigil.policy.ListType;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The functions a {@code call: "list:NAME"} hooks. Plain and {@code syscalls} lists give their
 * values; generated lists are expanded here, at plan time, from the host facts, as Tetragon expands
 * them when it loads the policy:
 * <ul>
 *   <li>{@code generated_syscalls}: every syscall of the kernel (tracefs syscalls/sys_enter_NAME); on
 *       the kprobe and fentry backends only those whose wrapper ({@code __x64_sys_NAME}) can be probed,
 *       so that a syscall without one is left out rather than refusing the policy;</li>
 *   <li>{@code generated_ftrace}: the functions of available_filter_functions its {@code pattern}
 *       finds (Go's regexp.MatchString: anywhere in the name unless anchored), hooked as kernel
 *       functions, not syscalls.</li>
 * </ul>
 *
 * @param calls    the functions, in order
 * @param syscalls whether they are syscalls: true for syscall lists, false for generated_ftrace (the
 *                 hook's {@code syscall}, true by default, does not apply), empty for a plain list (the hook says)
 * @param problem  why the list gives nothing to hook, if so
 */
record ListCalls(List<String> calls, Optional<Boolean> syscalls, Optional<String> problem) {
    static ListCalls of(ListSpec list, Backend backend, HostFacts host) {
        ListType type = list.type().orElse(null);
        if (type == ListType.GENERATED_SYSCALLS) {
            List<String> all = host.syscalls().stream()
                    .filter(s -> backend == Backend.TRACEPOINT || host.functionExists(host.syscallPrefix() + s)).toList();
            return all.isEmpty() ? failed("list '" + list.name() + "' of type generated_syscalls: this kernel lists no"
                    + " syscalls (no syscalls/sys_enter_* tracepoints in tracefs)") : new ListCalls(all, Optional.of(true), Optional.empty());
        }
        if (type == ListType.GENERATED_FTRACE) {
            String regex = list.pattern().orElse("");
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                return failed("list '" + list.name() + "': pattern '" + regex + "' is not a regular expression: "
                        + e.getDescription());
            }
            List<String> found = host.ftraceFunctions().stream().filter(f -> pattern.matcher(f).find()).toList();
            return found.isEmpty() ? failed("list '" + list.name() + "' of type generated_ftrace: no function of"
                    + " available_filter_functions matches '" + regex + "'") : new ListCalls(found, Optional.of(false), Optional.empty());
        }
        return new ListCalls(list.values(), type == ListType.SYSCALLS ? Optional.of(true) : Optional.empty(), Optional.empty());
    }

    private static ListCalls failed(String problem) {
        return new ListCalls(List.of(), Optional.empty(), Optional.of(problem));
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.Optional;

/**
 * {@code spec.kprobes[]}: a kernel function, or {@code list:NAME} for every function of a list.
 *
 * @param syscall            whether {@code call} is a syscall (Tetragon's CRD default: true); syscall
 *                           names are written without the architecture prefix ({@code sys_write})
 * @param returns            {@code return: true}: also hook the function's return
 * @param data               extra values read from other sources than the arguments (matchData)
 * @param ignoreCallNotFound {@code ignore.callNotFound}: skip the hook when the kernel lacks the function
 */
public record KprobeSpec(
        String call,
        boolean syscall,
        boolean returns,
        Optional<String> message,
        List<ArgSpec> args,
        List<ArgSpec> data,
        Optional<ArgSpec> returnArg,
        Optional<ReturnArgAction> returnArgAction,
        List<Selector> selectors,
        List<String> tags,
        boolean ignoreCallNotFound) implements HookSpec {

    /** The prefix of a {@code call} that names a list of functions. */
    public static final String LIST_PREFIX = "list:";

    public KprobeSpec {
        args = List.copyOf(args);
        data = List.copyOf(data);
        selectors = List.copyOf(selectors);
        tags = List.copyOf(tags);
    }

    /** The list named by {@code call: "list:NAME"}. */
    public Optional<String> listName() {
        return call.startsWith(LIST_PREFIX) ? Optional.of(call.substring(LIST_PREFIX.length())) : Optional.empty();
    }

    @Override
    public HookKind kind() {
        return HookKind.KPROBE;
    }

    @Override
    public String target() {
        return call;
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.Optional;

/**
 * {@code spec.tracepoints[]}. Argument {@code index} is the field's position in the tracepoint's
 * format (e.g. 4 for raw_syscalls/sys_enter's {@code id}), or the raw argument's position with
 * {@code raw: true}; a matchArgs {@code index} is the position in {@code args} instead.
 */
public record TracepointSpec(
        String subsystem,
        String event,
        boolean raw,
        Optional<String> message,
        List<ArgSpec> args,
        List<Selector> selectors,
        List<String> tags) implements HookSpec {

    public TracepointSpec {
        args = List.copyOf(args);
        selectors = List.copyOf(selectors);
        tags = List.copyOf(tags);
    }

    @Override
    public HookKind kind() {
        return HookKind.TRACEPOINT;
    }

    @Override
    public String target() {
        return subsystem + "/" + event;
    }
}

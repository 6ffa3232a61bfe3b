package io.vigil.agent.policy.plan;

import java.util.List;

/**
 * A filter the planner adds to every selector of a hook (and as a selector of its own when the
 * hook has none) so that a tracepoint fires only where the kernel function it stands for would
 * (TracepointEquivalents.Condition).
 *
 * @param slot   position in args[], or GenericAbi.SLOT_RETURN
 * @param op     GenericAbi.Op
 * @param values the inline values
 * @param reason for dumps and messages, e.g. "tcp_connect: TCP sockets only"
 */
public record ImplicitFilter(int slot, int op, List<Long> values, String reason) {
    public ImplicitFilter {
        values = List.copyOf(values);
    }
}

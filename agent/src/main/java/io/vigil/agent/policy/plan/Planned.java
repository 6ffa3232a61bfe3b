package io.vigil.agent.policy.plan;

import java.util.List;

/**
 * The plans of one policy.
 *
 * @param hooks   one per hook image to load, in the policy's order
 * @param skipped hooks left out on purpose ({@code ignore.callNotFound} on a missing function),
 *                with the reason; reported, never silent
 */
public record Planned(List<HookPlan> hooks, List<PolicyProblem> skipped) {
    public Planned {
        hooks = List.copyOf(hooks);
        skipped = List.copyOf(skipped);
    }
}

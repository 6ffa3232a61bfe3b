package io.vigil.agent.policy.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.TracingPolicy;
import java.nio.file.Path;
import java.util.List;

/** The planner tests' policies: a TracingPolicy "p" with one spec section, parsed as the agent parses a file; it must load. */
final class TestPolicies {
    private TestPolicies() {}

    /** hooks: the section's YAML list, from column 0. */
    static TracingPolicy parse(String section, String hooks) {
        return parse(section, hooks, "");
    }

    /** options: YAML lines put under spec before the section, from column 2 ("  options:\n  - name: ..."). */
    static TracingPolicy parse(String section, String hooks, String options) {
        LoadResult r = PolicyLoader.loadText("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "p"
                spec:
                """ + options + "  " + section + ":\n" + hooks.indent(2), Path.of("p.yaml"));
        assertTrue(r.ok(), r.errors()::toString);
        return r.policies().get(0);
    }

    /** The planner's placements for the policy's hooks. */
    static List<HookPlan> plan(HookPlanner planner, String section, String hooks) throws PolicyRejectedException {
        return planner.plan(parse(section, hooks)).hooks();
    }
}

package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.plan.PolicyProblem;
import io.vigil.policy.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/** The problems found while compiling one policy. */
final class Problems {
    private final SourceLocation source;
    private final List<PolicyProblem> list = new ArrayList<>();

    Problems(SourceLocation source) {
        this.source = source;
    }

    void add(String where, String message) {
        list.add(new PolicyProblem(source, where, message));
    }

    int count() {
        return list.size();
    }

    List<PolicyProblem> list() {
        return List.copyOf(list);
    }
}

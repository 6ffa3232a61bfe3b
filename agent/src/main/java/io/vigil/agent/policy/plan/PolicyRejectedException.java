package io.vigil.agent.policy.plan;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that the planner or the compiler refuses; nothing of it is produced. */
public final class PolicyRejectedException extends Exception {
    private final List<PolicyProblem> problems;

    public PolicyRejectedException(List<PolicyProblem> problems) {
        super(problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}

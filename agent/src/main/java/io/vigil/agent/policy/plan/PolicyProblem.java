package io.vigil.agent.policy.plan;

import io.vigil.policy.SourceLocation;

/**
 * Why a policy cannot be put in the kernel, compiler-style: the policy file's position (the model
 * keeps one per policy), the path of the offending element and what to do instead.
 *
 * @param location the policy's {@code file:line:column}
 * @param where    the element, e.g. {@code spec.kprobes[0].selectors[1].matchArgs[0]}
 */
public record PolicyProblem(SourceLocation location, String where, String message, boolean kernelLimit) {
    /** A problem of the policy or of what Vigil supports (not of the kernel it runs on). */
    public PolicyProblem(SourceLocation location, String where, String message) {
        this(location, where, message, false);
    }

    @Override
    public String toString() {
        return location + ": " + where + ": " + message;
    }
}

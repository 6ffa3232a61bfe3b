package io.vigil.enforcement.asset;

/** Whether a DNS name (lower case, no trailing dot) is one a policy allows; the policy model supplies it. */
@FunctionalInterface
public interface NameMatcher {
    boolean matches(String name);
}

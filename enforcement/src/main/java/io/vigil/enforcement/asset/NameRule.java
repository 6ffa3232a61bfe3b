package io.vigil.enforcement.asset;

import java.util.Objects;
import java.util.Set;

/**
 * A name-based allow rule: a tainted process of {@code policy} may reach the addresses of names
 * {@code names} matches, on {@code ports} (empty = any) with {@code protoBits} (0 = any).
 */
public record NameRule(int policy, NameMatcher names, Set<Integer> ports, int protoBits) {
    public NameRule {
        Objects.requireNonNull(names, "names");
        ports = AllowRule.checked(policy, ports, protoBits, "name rule of policy " + policy);
    }
}

package io.vigil.enforcement.asset;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * A name-based allow rule: a tainted process of {@code policy} may reach the addresses of names
 * {@code names} matches, on {@code ports} (empty = any) with {@code protoBits} (0 = any).
 */
public record NameRule(int policy, NameMatcher names, Set<Integer> ports, int protoBits) {
    public NameRule {
        // An AllowRule checks the same bounds; the address is a placeholder.
        new AllowRule(policy, new byte[4], 0, ports, protoBits);
        ports = Collections.unmodifiableSet(new TreeSet<>(ports));
    }
}

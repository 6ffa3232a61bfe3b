package io.vigil.enforcement.asset;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Ports and protocols one map entry admits (struct asset_ports): no ports = every port, protoBits
 * 0 = every protocol. A map entry holds one value, so the union of two admits what both admit and
 * possibly more (443/TCP + 53/UDP gives {53,443} on TCP and UDP): a widening, never a narrowing.
 */
record PortSet(SortedSet<Integer> ports, int protoBits) {
    static final PortSet ANY = new PortSet(Collections.emptySortedSet(), 0);

    PortSet {
        ports = Collections.unmodifiableSortedSet(new TreeSet<>(ports));
    }

    static PortSet of(Set<Integer> ports, int protoBits) {
        return new PortSet(new TreeSet<>(ports), protoBits);
    }

    boolean anyPort() {
        return ports.isEmpty();
    }

    PortSet union(PortSet other) {
        SortedSet<Integer> p = new TreeSet<>();
        if (!anyPort() && !other.anyPort()) {
            p.addAll(ports);
            p.addAll(other.ports);
        }
        int proto = protoBits == 0 || other.protoBits == 0 ? 0 : protoBits | other.protoBits;
        return new PortSet(p, proto);
    }
}

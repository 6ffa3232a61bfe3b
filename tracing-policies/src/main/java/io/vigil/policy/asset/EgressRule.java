// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One destination a tainted process may send to: exactly one of a network or a DNS name pattern,
 * optionally narrowed to ports and a protocol.
 *
 * @param cidr     the network, host bits already cleared
 * @param fqdn     the DNS name pattern, lower-cased, without trailing dot (see {@link FqdnPattern})
 * @param ports    1..65535; empty means any port
 * @param protocol {@link Protocol#ANY} unless narrowed
 */
public record EgressRule(Optional<Cidr> cidr, Optional<String> fqdn, Set<Integer> ports, Protocol protocol) {

    /** At most this many ports in one rule: the kernel map keeps a fixed array per rule. */
    public static final int MAX_PORTS = 16;

    public EgressRule {
        Objects.requireNonNull(protocol);
        if (cidr.isPresent() == fqdn.isPresent()) {
            throw new IllegalArgumentException("an egress rule has exactly one of cidr and fqdn");
        }
        fqdn.ifPresent(FqdnPattern::new); // checks it
        ports = Set.copyOf(ports);
        if (ports.size() > MAX_PORTS || ports.stream().anyMatch(p -> p < 1 || p > 65535)) {
            throw new IllegalArgumentException("at most " + MAX_PORTS + " ports, each 1..65535: " + ports);
        }
    }

    public static EgressRule toCidr(Cidr cidr, Set<Integer> ports, Protocol protocol) {
        return new EgressRule(Optional.of(cidr), Optional.empty(), ports, protocol);
    }

    public static EgressRule toFqdn(FqdnPattern fqdn, Set<Integer> ports, Protocol protocol) {
        return new EgressRule(Optional.empty(), Optional.of(fqdn.pattern()), ports, protocol);
    }

    public Optional<FqdnPattern> fqdnPattern() {
        return fqdn.map(FqdnPattern::new);
    }

    public boolean allowsPort(int port) {
        return ports.isEmpty() || ports.contains(port);
    }

    public boolean allowsProtocol(Protocol p) {
        return protocol == Protocol.ANY || protocol == p;
    }
}

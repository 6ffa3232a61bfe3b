// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.asset.Cidr;
import io.vigil.policy.asset.EgressRule;
import io.vigil.policy.asset.FqdnPattern;
import io.vigil.policy.asset.Protocol;
import io.vigil.policy.internal.yaml.Position;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One {@code spec.egress} item of an AssetProtectionPolicy: its destination, ports and protocol. */
final class EgressBinder {

    static final List<String> RULE = List.of("cidr", "fqdn", "ports", "protocol");

    private final Diagnostics diag;

    EgressBinder(Diagnostics diag) {
        this.diag = diag;
    }

    /** The rule, or empty when it has an error (already reported). */
    Optional<EgressRule> bind(Fields f) {
        int before = diag.errorCount();
        Set<Integer> ports = ports(f);
        Protocol protocol = f.enumValue("protocol", Protocol.class, "protocol").orElse(Protocol.ANY);
        Optional<Cidr> cidr = Optional.empty();
        Optional<FqdnPattern> fqdn = Optional.empty();
        if (f.has("cidr") && f.has("fqdn")) {
            diag.error(f.keyPosition("fqdn"), "egress rule has both 'cidr' and 'fqdn'; write one rule for each");
        } else if (f.has("cidr")) {
            cidr = f.string("cidr").flatMap(text -> cidr(text, f.valuePosition("cidr")));
        } else if (f.has("fqdn")) {
            fqdn = f.string("fqdn").flatMap(text -> fqdn(text, f.valuePosition("fqdn")));
        } else {
            diag.error(f.position(), "egress rule needs one of 'cidr' (e.g. 10.0.0.0/8) or 'fqdn' (e.g. '*.example.com')");
        }
        if (diag.errorCount() > before) {
            return Optional.empty();
        }
        return Optional.of(cidr.isPresent()
                ? EgressRule.toCidr(cidr.get(), ports, protocol)
                : EgressRule.toFqdn(fqdn.get(), ports, protocol));
    }

    private Set<Integer> ports(Fields f) {
        List<Long> values = f.integers("ports", 1, 65535);
        if (values.size() > EgressRule.MAX_PORTS) {
            diag.error(f.itemPosition("ports", EgressRule.MAX_PORTS), "egress rule has " + values.size()
                    + " ports; at most " + EgressRule.MAX_PORTS + " are allowed: write another rule for the rest");
        }
        Set<Integer> out = new LinkedHashSet<>();
        values.forEach(v -> out.add(v.intValue()));
        return out;
    }

    private Optional<Cidr> cidr(String text, Position at) {
        try {
            Cidr c = Cidr.parse(text);
            if (c.hasHostBits()) {
                // Masked, as Go's net.ParseCIDR does, but said: 10.1.2.3/8 is more often a slip than a choice.
                diag.warn(at, "cidr '" + text + "' has host bits set; read as " + c.masked());
            }
            return Optional.of(c.masked());
        } catch (IllegalArgumentException e) {
            diag.error(at, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<FqdnPattern> fqdn(String text, Position at) {
        try {
            return Optional.of(FqdnPattern.compile(text));
        } catch (IllegalArgumentException e) {
            diag.error(at, e.getMessage());
            return Optional.empty();
        }
    }
}

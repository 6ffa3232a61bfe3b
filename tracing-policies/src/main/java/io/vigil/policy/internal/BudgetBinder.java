// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.asset.Budget;
import io.vigil.policy.internal.yaml.YamlNode;
import io.vigil.policy.internal.yaml.YamlNode.Scalar;
import io.vigil.policy.internal.yaml.YamlNode.ScalarKind;
import java.math.BigInteger;
import java.util.Optional;

/** {@code spec.budget} of an AssetProtectionPolicy: byte counts, plain or with K/M/G or Ki/Mi/Gi. */
final class BudgetBinder {

    private final Diagnostics diag;

    BudgetBinder(Diagnostics diag) {
        this.diag = diag;
    }

    Budget bind(Fields f) {
        return new Budget(bytes(f, "bytesPerProcess"), bytes(f, "bytesPerDestination"));
    }

    /** 0 (no limit) when absent or wrong; a wrong value is reported. */
    private long bytes(Fields f, String key) {
        Optional<YamlNode> node = f.node(key);
        if (node.isEmpty()) {
            return 0;
        }
        long v = -1;
        if (node.get() instanceof Scalar s && s.kind() == ScalarKind.INTEGER) {
            BigInteger i = YamlIntegers.parse(s.text());
            v = i != null && i.signum() >= 0 && i.bitLength() < 63 ? i.longValue() : -1;
        } else if (node.get() instanceof Scalar s && s.kind() == ScalarKind.STRING) {
            v = ByteQuantity.parse(s.text());
        }
        if (v < 0) {
            diag.error(node.get().position(), "'" + key + "' in budget must be a byte count such as 1048576, 10Mi"
                    + " (1024-based: Ki, Mi, Gi, Ti) or 5G (1000-based: K, M, G, T), found " + node.get().describe());
            return 0;
        }
        return v;
    }
}

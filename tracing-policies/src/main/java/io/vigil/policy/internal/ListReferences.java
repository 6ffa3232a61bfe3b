// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ListSpec;
import io.vigil.policy.PolicySpec;
import io.vigil.policy.internal.yaml.Position;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code list:NAME} references (kprobe call, enforcer calls, InMap values) against {@code spec.lists}. */
final class ListReferences {

    private ListReferences() {}

    static boolean isReference(String value) {
        return value.startsWith(KprobeSpec.LIST_PREFIX);
    }

    /** The list a {@code list:NAME} value names, reporting one that is not defined; empty for plain values. */
    static Optional<ListSpec> check(Diagnostics diag, PolicySpec spec, String value, Position at) {
        if (!isReference(value)) {
            return Optional.empty();
        }
        String name = value.substring(KprobeSpec.LIST_PREFIX.length());
        Optional<ListSpec> list = spec.list(name);
        if (list.isEmpty()) {
            String defined = spec.lists().isEmpty() ? "no lists are defined"
                    : "defined: " + spec.lists().stream().map(ListSpec::name).collect(Collectors.joining(", "));
            diag.error(at, "list '" + name + "' is not defined in spec.lists; " + defined);
        }
        return list;
    }
}

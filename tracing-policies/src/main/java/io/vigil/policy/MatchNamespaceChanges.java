// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/** {@code matchNamespaceChanges[]}: the process's namespaces of these types differ from those at exec. */
public record MatchNamespaceChanges(SetOperator operator, List<NamespaceType> values) {

    public MatchNamespaceChanges {
        values = List.copyOf(values);
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/** {@code matchNamespaces[]}: namespace inode numbers, or {@code host_ns} for the host's namespace. */
public record MatchNamespaces(NamespaceType namespace, SetOperator operator, List<String> values) {

    /** The value that stands for the host's namespace of that type. */
    public static final String HOST_NS = "host_ns";

    public MatchNamespaces {
        values = List.copyOf(values);
    }
}

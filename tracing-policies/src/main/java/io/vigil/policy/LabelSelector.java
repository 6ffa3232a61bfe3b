// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.Map;

/** A Kubernetes label selector ({@code podSelector}, {@code containerSelector}), kept as written. */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    /** One {@code matchExpressions[]} entry. */
    public record Requirement(String key, LabelOperator operator, List<String> values) {
        public Requirement {
            values = List.copyOf(values);
        }
    }
}

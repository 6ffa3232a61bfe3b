// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/**
 * {@code matchBinaries[]} / {@code matchParentBinaries[]}: the executable path of the process (or of
 * its parent).
 *
 * @param followChildren also match descendants of a matching process (In and NotIn only)
 */
public record MatchBinaries(BinaryOperator operator, List<String> values, boolean followChildren) {

    public MatchBinaries {
        values = List.copyOf(values);
    }
}

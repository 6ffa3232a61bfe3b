// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/**
 * {@code matchPIDs[]}.
 *
 * @param followForks    also match descendants of the PIDs
 * @param isNamespacePid the PIDs are as seen in the process's own PID namespace (1 = container init)
 */
public record MatchPids(SetOperator operator, List<Long> values, boolean followForks, boolean isNamespacePid) {

    public MatchPids {
        values = List.copyOf(values);
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/**
 * {@code matchCapabilities[]} / {@code matchCapabilityChanges[]}.
 *
 * @param isNamespaceCapability match only in a user namespace other than the host's
 */
public record MatchCapabilities(
        CapabilitySet type, SetOperator operator, boolean isNamespaceCapability, List<Capability> values) {

    public MatchCapabilities {
        values = List.copyOf(values);
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/** {@code spec.enforcers[]}: syscalls (or {@code list:NAME}) where the enforcer program runs for NotifyEnforcer. */
public record EnforcerSpec(List<String> calls) {

    public EnforcerSpec {
        calls = List.copyOf(calls);
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/**
 * What a load produced. A file loads whole or not at all: {@code policies} holds the policies of the
 * files that had no error, {@code errors} every error of the others, sorted by file and position.
 */
public record LoadResult(List<TracingPolicy> policies, List<PolicyError> errors, List<PolicyWarning> warnings) {

    public LoadResult {
        policies = List.copyOf(policies);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    /** No error: every file given loaded. */
    public boolean ok() {
        return errors.isEmpty();
    }
}

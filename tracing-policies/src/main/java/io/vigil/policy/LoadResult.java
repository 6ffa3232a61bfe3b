// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import io.vigil.policy.asset.AssetProtectionPolicy;
import java.util.List;

/**
 * What a load produced. A file loads whole or not at all: {@code policies} and {@code assetPolicies}
 * hold the policies of the files that had no error, {@code errors} every error of the others, sorted
 * by file and position.
 *
 * @param policies      TracingPolicy and TracingPolicyNamespaced documents
 * @param assetPolicies AssetProtectionPolicy documents (a Vigil extension)
 */
public record LoadResult(List<TracingPolicy> policies, List<AssetProtectionPolicy> assetPolicies,
                         List<PolicyError> errors, List<PolicyWarning> warnings) {

    public LoadResult {
        policies = List.copyOf(policies);
        assetPolicies = List.copyOf(assetPolicies);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    /** A load without asset policies (the shape before AssetProtectionPolicy existed). */
    public LoadResult(List<TracingPolicy> policies, List<PolicyError> errors, List<PolicyWarning> warnings) {
        this(policies, List.of(), errors, warnings);
    }

    /** Policies of both kinds. */
    public int policyCount() {
        return policies.size() + assetPolicies.size();
    }

    /** No error: every file given loaded. */
    public boolean ok() {
        return errors.isEmpty();
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import io.vigil.policy.SourceLocation;
import java.util.List;
import java.util.Objects;

/**
 * A Vigil policy (kind AssetProtectionPolicy, apiVersion vigil.io/v1alpha1) that guards files such as
 * model weights: a process that opens an asset through an allowed {@link Reader} becomes tainted, and
 * a tainted process may send only to the {@code egress} allow list, within the {@code budget}.
 * Immutable; only built by {@link io.vigil.policy.PolicyLoader} from a file without errors.
 *
 * @param location where the document starts
 * @param readers  who may open the assets; empty: nobody
 * @param egress   where a tainted process may send; empty: nowhere
 */
public record AssetProtectionPolicy(
        String name,
        SourceLocation location,
        List<AssetPattern> assets,
        List<Reader> readers,
        List<EgressRule> egress,
        Budget budget,
        AssetAction action) {

    public static final String KIND = "AssetProtectionPolicy";
    public static final String API_VERSION = "vigil.io/v1alpha1";

    public AssetProtectionPolicy {
        Objects.requireNonNull(name);
        Objects.requireNonNull(budget);
        Objects.requireNonNull(action);
        assets = List.copyOf(assets);
        readers = List.copyOf(readers);
        egress = List.copyOf(egress);
    }

    /** Whether {@code absolutePath} is one of the assets. */
    public boolean protects(String absolutePath) {
        return assets.stream().anyMatch(a -> a.matches(absolutePath));
    }
}

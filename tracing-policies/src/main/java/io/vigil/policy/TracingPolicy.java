// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.Map;
import java.util.Optional;

/**
 * One loaded policy document: {@code kind}, {@code metadata} and {@code spec}. Immutable; only built
 * by {@link PolicyLoader} from a file that loaded without errors.
 *
 * @param namespace {@code metadata.namespace}, present for (and required by) TracingPolicyNamespaced
 * @param source    where the document starts
 */
public record TracingPolicy(
        PolicyKind kind,
        String name,
        Optional<String> namespace,
        Map<String, String> labels,
        Map<String, String> annotations,
        PolicySpec spec,
        SourceLocation source) {

    public TracingPolicy {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /** The {@code policy-mode} option; Tetragon's default is enforce. */
    public PolicyMode mode() {
        return spec.option(OptionSpec.POLICY_MODE)
                .map(v -> v.equals(PolicyMode.MONITOR.spelling()) ? PolicyMode.MONITOR : PolicyMode.ENFORCE)
                .orElse(PolicyMode.ENFORCE);
    }

    /** {@code namespace/name} for namespaced policies, {@code name} otherwise. */
    public String qualifiedName() {
        return namespace.map(ns -> ns + "/" + name).orElse(name);
    }
}

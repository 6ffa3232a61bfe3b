// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** {@code kind:} of a policy document. */
public enum PolicyKind implements Spelled {
    TRACING_POLICY("TracingPolicy"),
    /** Applies to the pods of {@code metadata.namespace} only; needs that namespace. */
    TRACING_POLICY_NAMESPACED("TracingPolicyNamespaced");

    /** The only {@code apiVersion} Tetragon defines for both kinds. */
    public static final String API_VERSION = "cilium.io/v1alpha1";

    private final String spelling;

    PolicyKind(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }
}

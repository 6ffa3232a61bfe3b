// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/**
 * What Vigil's runtime will do with a feature it parses. The kernel side of tracing policies is not
 * built yet, so today no feature is enforced or evaluated: this marks the scope of the next parts of
 * issue 3, proposed by the parser's authors and open to the lead's review.
 */
public enum VigilSupport {
    /** In scope for Vigil's kernel side. Parsed and validated now; not run until that side exists. */
    PLANNED,
    /** Parsed, validated and kept so that Tetragon policies load, but Vigil does not plan to act on it. */
    PARSED_ONLY
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/**
 * An enum constant with the exact spelling a Tetragon TracingPolicy uses for it. Policies are read
 * and written by this spelling, never by {@code name()} or {@code ordinal()}.
 */
public interface Spelled {

    /** The spelling in Tetragon's CRD schema (its enums are case-sensitive). */
    String spelling();
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.nio.file.Path;

/**
 * Why a file did not load: where (1-based line and column) and what is wrong, with what is allowed.
 * {@link #toString()} is the compiler-style {@code file:line:column: message}.
 */
public record PolicyError(Path file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}

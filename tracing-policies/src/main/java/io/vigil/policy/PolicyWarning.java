// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.nio.file.Path;

/**
 * Something that loads but will not do what it seems to: a field Tetragon ignores, a feature Vigil
 * parses but will not run, a limit that depends on the kernel. Never stops a file from loading.
 * {@link #toString()} is {@code file:line:column: warning: message}.
 */
public record PolicyWarning(Path file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": warning: " + message;
    }
}

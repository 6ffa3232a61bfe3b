// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.nio.file.Path;

/** Where something was read: file and 1-based line and column. */
public record SourceLocation(Path file, int line, int column) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}

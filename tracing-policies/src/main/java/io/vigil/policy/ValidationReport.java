// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/**
 * The outcome of {@link PolicyValidation#validate}: printable lines ({@code file:line:column: message},
 * warnings marked {@code warning:}, then one summary line) and the exit code for a CLI.
 */
public record ValidationReport(List<String> lines, int files, int failedFiles, int policies, int errors, int warnings) {

    public ValidationReport {
        lines = List.copyOf(lines);
    }

    /** 0 when every file loaded, 1 when any has an error. */
    public int exitCode() {
        return errors == 0 ? 0 : 1;
    }

    /** The lines joined with newlines, ending with one. */
    public String text() {
        return String.join("\n", lines) + "\n";
    }
}

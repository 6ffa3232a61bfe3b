// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.PolicyError;
import io.vigil.policy.PolicyWarning;
import io.vigil.policy.internal.yaml.Position;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Errors and warnings found in one file, in the order found; sorted by position when handed out. */
public final class Diagnostics {

    private final Path file;
    private final List<PolicyError> errors = new ArrayList<>();
    private final List<PolicyWarning> warnings = new ArrayList<>();

    public Diagnostics(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void error(Position at, String message) {
        errors.add(new PolicyError(file, at.line(), at.column(), message));
    }

    public void warn(Position at, String message) {
        warnings.add(new PolicyWarning(file, at.line(), at.column(), message));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public int errorCount() {
        return errors.size();
    }

    /** Sorted by line, then column; errors at one position keep the order they were found in. */
    public List<PolicyError> errors() {
        List<PolicyError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(PolicyError::line).thenComparingInt(PolicyError::column));
        return sorted;
    }

    public List<PolicyWarning> warnings() {
        List<PolicyWarning> sorted = new ArrayList<>(warnings);
        sorted.sort(Comparator.comparingInt(PolicyWarning::line).thenComparingInt(PolicyWarning::column));
        return sorted;
    }
}

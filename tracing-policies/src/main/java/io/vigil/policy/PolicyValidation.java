// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code vigil policy validate FILE...} without the CLI: loads the files and directories as one load
 * and reports every error and warning, compiler-style, with a summary line and an exit code.
 */
public final class PolicyValidation {

    private PolicyValidation() {}

    public static ValidationReport validate(List<Path> paths) {
        LoadResult result = PolicyLoader.loadAll(paths);

        record Line(Path file, int line, int column, String text) {}
        List<Line> lines = new ArrayList<>();
        result.errors().forEach(e -> lines.add(new Line(e.file(), e.line(), e.column(), e.toString())));
        result.warnings().forEach(w -> lines.add(new Line(w.file(), w.line(), w.column(), w.toString())));
        // files in the order they were loaded; within a file by position
        List<Path> order = new ArrayList<>();
        lines.forEach(l -> { if (!order.contains(l.file())) order.add(l.file()); });
        lines.sort(Comparator.comparingInt((Line l) -> order.indexOf(l.file()))
                .thenComparingInt(Line::line).thenComparingInt(Line::column));

        Set<Path> failed = new LinkedHashSet<>();
        result.errors().forEach(e -> failed.add(e.file()));
        Set<Path> loaded = new LinkedHashSet<>();
        result.policies().forEach(p -> loaded.add(p.source().file()));
        result.assetPolicies().forEach(p -> loaded.add(p.location().file()));
        int files = loaded.size() + failed.size();

        List<String> out = new ArrayList<>(lines.stream().map(Line::text).toList());
        out.add(summary(files, failed.size(), result));
        return new ValidationReport(out, files, failed.size(), result.policyCount(), result.errors().size(),
                result.warnings().size());
    }

    private static String summary(int files, int failed, LoadResult r) {
        StringBuilder s = new StringBuilder();
        s.append(files).append(files == 1 ? " file: " : " files: ");
        if (failed == 0) {
            s.append("ok, ").append(r.policyCount()).append(r.policyCount() == 1 ? " policy" : " policies");
        } else {
            s.append(failed).append(" failed with ").append(r.errors().size())
                    .append(r.errors().size() == 1 ? " error" : " errors");
            if (files > failed) {
                s.append(", ").append(files - failed).append(" loaded (").append(r.policyCount())
                        .append(r.policyCount() == 1 ? " policy)" : " policies)");
            }
        }
        if (!r.warnings().isEmpty()) {
            s.append("; ").append(r.warnings().size()).append(r.warnings().size() == 1 ? " warning" : " warnings");
        }
        return s.toString();
    }
}

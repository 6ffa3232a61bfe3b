// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.TracingPolicy;
import io.vigil.policy.internal.yaml.Position;
import io.vigil.policy.internal.yaml.YamlReader;
import io.vigil.policy.internal.yaml.YamlSyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads, binds and validates every document of one file; the file's outcome is all or nothing. */
public final class FileLoader {

    /** A file's policies (empty when it has an error) and all its diagnostics. */
    public record Outcome(List<TracingPolicy> policies, Diagnostics diagnostics, SourceMap sources) {}

    private FileLoader() {}

    public static Outcome load(String text, Path file) {
        Diagnostics diag = new Diagnostics(file);
        SourceMap src = new SourceMap();
        YamlReader.Result yaml;
        try {
            yaml = YamlReader.read(text);
        } catch (YamlSyntaxException e) {
            diag.error(e.position(), e.getMessage());
            return new Outcome(List.of(), diag, src);
        }
        yaml.problems().forEach(p -> diag.error(p.position(), p.message()));

        PolicyBinder binder = new PolicyBinder(diag, src);
        PolicyValidator validator = new PolicyValidator(diag, src);
        List<TracingPolicy> policies = new ArrayList<>();
        for (YamlReader.Document doc : yaml.documents()) {
            if (doc.root() == null) {
                continue; // an empty document between two ---
            }
            binder.bind(doc).ifPresent(p -> {
                validator.validate(p);
                policies.add(p);
            });
        }
        if (policies.isEmpty() && !diag.hasErrors()) {
            diag.error(Position.FILE, "no policy in file: it holds no YAML document");
        }
        uniqueNames(policies, diag, src);
        return new Outcome(diag.hasErrors() ? List.of() : List.copyOf(policies), diag, src);
    }

    /** Two documents of one file may not share a name (namespace and name, for namespaced policies). */
    private static void uniqueNames(List<TracingPolicy> policies, Diagnostics diag, SourceMap src) {
        Map<String, TracingPolicy> seen = new HashMap<>();
        for (TracingPolicy p : policies) {
            if (p.name().isEmpty()) {
                continue;
            }
            TracingPolicy first = seen.putIfAbsent(p.qualifiedName(), p);
            if (first != null) {
                diag.error(src.value(p, "metadata.name"), "policy name '" + p.qualifiedName()
                        + "' is already used at line " + src.value(first, "metadata.name").line()
                        + "; names must be unique in one load");
            }
        }
    }
}

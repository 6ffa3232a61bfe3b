// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.TracingPolicy;
import io.vigil.policy.asset.AssetProtectionPolicy;
import io.vigil.policy.internal.yaml.Position;
import io.vigil.policy.internal.yaml.YamlReader;
import io.vigil.policy.internal.yaml.YamlSyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads, binds and validates every document of one file (TracingPolicy or AssetProtectionPolicy, by
 * its kind); the file's outcome is all or nothing.
 */
public final class FileLoader {

    /**
     * A file's policies (empty when it has an error), all its diagnostics, and the name of each
     * policy of either kind in document order, for uniqueness across files.
     */
    public record Outcome(List<TracingPolicy> policies, List<AssetProtectionPolicy> assetPolicies,
                          List<Named> names, Diagnostics diagnostics) {}

    /** A policy's name as it must be unique ({@code namespace/name} when namespaced) and where it is written. */
    public record Named(String name, Position at) {}

    private FileLoader() {}

    public static Outcome load(String text, Path file) {
        Diagnostics diag = new Diagnostics(file);
        SourceMap src = new SourceMap();
        YamlReader.Result yaml;
        try {
            yaml = YamlReader.read(text);
        } catch (YamlSyntaxException e) {
            diag.error(e.position(), e.getMessage());
            return new Outcome(List.of(), List.of(), List.of(), diag);
        }
        yaml.problems().forEach(p -> diag.error(p.position(), p.message()));

        PolicyBinder binder = new PolicyBinder(diag, src);
        AssetPolicyBinder assetBinder = new AssetPolicyBinder(diag, src);
        PolicyValidator validator = new PolicyValidator(diag, src);
        List<TracingPolicy> policies = new ArrayList<>();
        List<AssetProtectionPolicy> assetPolicies = new ArrayList<>();
        List<Named> names = new ArrayList<>();
        for (YamlReader.Document doc : yaml.documents()) {
            if (doc.root() == null) {
                continue; // an empty document between two ---
            }
            if (AssetPolicyBinder.claims(doc)) {
                assetBinder.bind(doc).ifPresent(p -> {
                    assetPolicies.add(p);
                    names.add(new Named(p.name(), src.value(p, "metadata.name")));
                });
                continue;
            }
            binder.bind(doc).ifPresent(p -> {
                validator.validate(p);
                policies.add(p);
                names.add(new Named(p.qualifiedName(), src.value(p, "metadata.name")));
            });
        }
        if (names.isEmpty() && !diag.hasErrors()) {
            diag.error(Position.FILE, "no policy in file: it holds no YAML document");
        }
        uniqueNames(names, diag);
        return diag.hasErrors()
                ? new Outcome(List.of(), List.of(), List.of(), diag)
                : new Outcome(List.copyOf(policies), List.copyOf(assetPolicies), List.copyOf(names), diag);
    }

    /** Two documents of one file may not share a name, whatever their kinds. */
    private static void uniqueNames(List<Named> names, Diagnostics diag) {
        Map<String, Named> seen = new HashMap<>();
        for (Named n : names) {
            if (n.name().isEmpty()) {
                continue;
            }
            Named first = seen.putIfAbsent(n.name(), n);
            if (first != null) {
                diag.error(n.at(), "policy name '" + n.name() + "' is already used at line " + first.at().line()
                        + "; names must be unique in one load");
            }
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyError;
import io.vigil.policy.PolicyWarning;
import io.vigil.policy.SourceLocation;
import io.vigil.policy.TracingPolicy;
import io.vigil.policy.asset.AssetProtectionPolicy;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One load of several files: each file loads whole or not at all, and a policy name may be used once
 * in the whole load, across both kinds (the later file fails).
 */
public final class LoadSession {

    private final Map<String, SourceLocation> names = new HashMap<>();
    private final List<TracingPolicy> policies = new ArrayList<>();
    private final List<AssetProtectionPolicy> assetPolicies = new ArrayList<>();
    private final List<PolicyError> errors = new ArrayList<>();
    private final List<PolicyWarning> warnings = new ArrayList<>();

    /** Files directly given, and the *.yaml / *.yml files under directories, in path order. */
    public LoadResult loadPaths(List<Path> paths) {
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                directory(p);
            } else {
                file(p);
            }
        }
        return result();
    }

    public LoadResult loadText(String text, Path file) {
        add(FileLoader.load(text, file));
        return result();
    }

    private void directory(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(LoadSession::isYaml).sorted().toList();
        } catch (IOException e) {
            errors.add(new PolicyError(dir, 1, 1, "cannot list directory: " + e.getMessage()));
            return;
        }
        if (files.isEmpty()) {
            warnings.add(new PolicyWarning(dir, 1, 1, "no policy files (*.yaml, *.yml) in directory"));
        }
        files.forEach(this::file);
    }

    private void file(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            errors.add(new PolicyError(file, 1, 1, "cannot read file: it is not UTF-8 text"));
            return;
        } catch (IOException e) {
            errors.add(new PolicyError(file, 1, 1, "cannot read file: " + describe(e)));
            return;
        }
        add(FileLoader.load(text, file));
    }

    private void add(FileLoader.Outcome outcome) {
        Diagnostics diag = outcome.diagnostics();
        for (FileLoader.Named n : outcome.names()) {
            SourceLocation first = names.get(n.name());
            if (first != null) {
                diag.error(n.at(), "policy name '" + n.name() + "' is already used by " + first
                        + "; names must be unique in one load");
            }
        }
        if (!diag.hasErrors()) {
            for (FileLoader.Named n : outcome.names()) {
                names.put(n.name(), new SourceLocation(diag.file(), n.at().line(), n.at().column()));
            }
            policies.addAll(outcome.policies());
            assetPolicies.addAll(outcome.assetPolicies());
        }
        errors.addAll(diag.errors());
        warnings.addAll(diag.warnings());
    }

    private LoadResult result() {
        return new LoadResult(policies, assetPolicies, errors, warnings);
    }

    private static boolean isYaml(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static String describe(IOException e) {
        String kind = switch (e.getClass().getSimpleName()) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> e.getClass().getSimpleName();
        };
        return e.getMessage() == null || kind.equals("no such file") || kind.equals("permission denied")
                ? kind : kind + ": " + e.getMessage();
    }
}

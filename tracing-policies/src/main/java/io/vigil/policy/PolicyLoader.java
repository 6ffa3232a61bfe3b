// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import io.vigil.policy.internal.LoadSession;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads Tetragon TracingPolicy files (kind TracingPolicy or TracingPolicyNamespaced, apiVersion
 * cilium.io/v1alpha1) and Vigil's AssetProtectionPolicy (apiVersion vigil.io/v1alpha1), one policy
 * per YAML document, either kind in any file. Every error of a file is reported, with its position;
 * a file with an error contributes no policy. Policy names are unique in one load, across kinds.
 */
public final class PolicyLoader {

    private PolicyLoader() {}

    /** One file, which may hold several documents. */
    public static LoadResult load(Path file) {
        return new LoadSession().loadPaths(List.of(file));
    }

    /** Every *.yaml and *.yml file under {@code dir} (recursively, in path order), as one load. */
    public static LoadResult loadDirectory(Path dir) {
        return new LoadSession().loadPaths(List.of(dir));
    }

    /** Files and directories, as one load: names must be unique across all of them. */
    public static LoadResult loadAll(List<Path> paths) {
        return new LoadSession().loadPaths(paths);
    }

    /** Policy YAML held in memory; {@code file} names it in messages. */
    public static LoadResult loadText(String yaml, Path file) {
        return new LoadSession().loadText(yaml, file);
    }
}

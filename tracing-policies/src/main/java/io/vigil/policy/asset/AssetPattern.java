// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import io.vigil.policy.SourceLocation;
import java.util.Objects;

/**
 * One protected asset: an absolute path glob ({@code /models/**}, {@code /srv/weights/**}{@code /*.safetensors}).
 * {@code **} as a whole name is any depth of directories, {@code *} any characters within one name,
 * {@code ?} one character.
 *
 * @param location where the glob is written
 * @throws IllegalArgumentException when the glob is not one (relative, '//', '**' inside a name, ...)
 */
public record AssetPattern(String glob, SourceLocation location) {

    public AssetPattern {
        Objects.requireNonNull(glob);
        Glob.problem(glob).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }

    /** Whether {@code absolutePath} (already resolved, no '..') is this asset. */
    public boolean matches(String absolutePath) {
        // Compiled on each call: the hot path is the kernel's mark on fixedPrefix(), not this method.
        return Glob.regex(glob).matcher(absolutePath).matches();
    }

    /**
     * The directory part before the first wildcard ("/models" for "/models/**"); for a glob without
     * wildcards, the path itself. Every match lies at or under it.
     */
    public String fixedPrefix() {
        return Glob.fixedPrefix(glob);
    }
}

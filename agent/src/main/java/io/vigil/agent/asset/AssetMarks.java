package io.vigil.agent.asset;

import io.vigil.enforcement.fanotify.MarkTarget;
import io.vigil.policy.asset.AssetPattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The fanotify marks that make every open of an asset ask the agent: a pattern without wildcards
 * that names a file marks that inode; otherwise the directory before the first wildcard and every
 * directory under it are marked for their children. Directories made later are found by the
 * guard's periodic rescan.
 */
final class AssetMarks {
    /** Directories marked per pattern at most: a tree larger than this is a policy mistake. */
    static final int MAX_DIRECTORIES = 20_000;

    record Mark(MarkTarget target, Path path) {}

    private AssetMarks() {}

    static Set<Mark> of(Collection<AssetPattern> patterns) {
        Set<Mark> out = new LinkedHashSet<>();
        for (AssetPattern a : patterns) {
            Path root = Path.of(a.fixedPrefix());
            if (Files.isRegularFile(root)) {
                out.add(new Mark(MarkTarget.FILE, root));
            } else if (Files.isDirectory(root)) {
                try (Stream<Path> dirs = Files.walk(root)) {
                    dirs.filter(Files::isDirectory).limit(MAX_DIRECTORIES)
                            .forEach(d -> out.add(new Mark(MarkTarget.DIRECTORY, d)));
                } catch (IOException | UncheckedIOException e) {
                    // a directory vanished during the walk: the next rescan sees the tree as it is
                }
            }
        }
        return out;
    }
}

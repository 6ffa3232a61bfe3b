package io.vigil.agent.pins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bpffs directory agents pin their links under: one directory per agent run
 * ({@code agent-<pid>-<start millis>}), in it one per policy and one for the base sensors, in those
 * one file per link. Deleting a link's file detaches the link once no process holds its fd; a
 * link pinned by a dead agent is held by nothing else, so releasing a run detaches it.
 */
public final class PinRoot {
    static final String RUN_PREFIX = "agent-";

    private final Path dir;

    public PinRoot(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Why links cannot be pinned under the root, or empty: its nearest existing directory must be
     * on a bpffs mount (pins live only there).
     */
    public java.util.Optional<String> notPinnable() {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            if (p != null && "bpf".equals(Files.getFileStore(p).type())) {
                return java.util.Optional.empty();
            }
        } catch (IOException e) {
            return java.util.Optional.of(dir + ": " + e.getMessage());
        }
        return java.util.Optional.of(dir + " is not on a bpffs mount (mount -t bpf bpf /sys/fs/bpf; bin/setup does)");
    }

    /** The runs pinned here (none when the directory does not exist), oldest name first. */
    public List<Path> runs() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(RUN_PREFIX) && Files.isDirectory(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the pin root " + dir, e);
        }
    }

    /** Pins of maps (a dispatcher's prog array) are named so; they are not links and go with their run's directory. */
    public static final String MAP_PREFIX = "map-";

    /** The link files under a run (or any directory below the root); map pins are not listed. */
    public static List<Path> links(Path run) {
        try (Stream<Path> s = Files.walk(run)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(MAP_PREFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + run, e);
        }
    }

    /** Unpins every link of the run and removes its directories; returns how many links it unpinned. */
    public static int release(Path run) {
        List<Path> links = links(run);
        try (Stream<Path> s = Files.walk(run)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the pins under " + run, e);
        }
        return links.size();
    }
}

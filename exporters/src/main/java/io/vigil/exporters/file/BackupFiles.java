package io.vigil.exporters.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Names of rotated files, as lumberjack (Tetragon's rotation library) makes them: the name with the
 * rotation time in UTC between stem and extension, {@code events-2024-04-14T02-18-03.000.json}, and
 * {@code .gz} appended when compressed. The timestamp sorts chronologically as text.
 */
public final class BackupFiles {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);
    private static final String STAMP_REGEX = "\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}";

    private final Path dir;
    private final String stem;
    private final String ext;

    public BackupFiles(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        this.dir = parent;
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.stem = dot > 0 ? name.substring(0, dot) : name;
        this.ext = dot > 0 ? name.substring(dot) : "";
    }

    /** The backup name for a rotation at {@code t}; a later millisecond if that name is taken. */
    public Path nameFor(Instant t) {
        Instant at = t;
        while (true) {
            Path p = dir.resolve(stem + "-" + STAMP.format(at) + ext);
            if (!Files.exists(p) && !Files.exists(gz(p))) {
                return p;
            }
            at = at.plusMillis(1);
        }
    }

    public static Path gz(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".gz");
    }

    /** Backups present, oldest first; a backup and its .gz (mid-compression) count once. */
    public List<List<Path>> list() throws IOException {
        TreeMap<String, List<Path>> byStamp = new TreeMap<>();
        String regex = java.util.regex.Pattern.quote(stem + "-") + "(" + STAMP_REGEX + ")"
                + java.util.regex.Pattern.quote(ext) + "(\\.gz)?";
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                var m = p.matcher(f.getFileName().toString());
                if (m.matches()) {
                    byStamp.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f);
                }
            }
        }
        return new ArrayList<>(byStamp.values());
    }

    /** Removes the oldest backups beyond {@code keep} (0 = keep all); returns how many were removed. */
    public int prune(int keep) throws IOException {
        if (keep <= 0) {
            return 0;
        }
        List<List<Path>> all = list();
        int removed = 0;
        for (int i = 0; i < all.size() - keep; i++) {
            for (Path f : all.get(i)) {
                Files.deleteIfExists(f);
            }
            removed++;
        }
        return removed;
    }
}

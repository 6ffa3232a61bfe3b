package io.vigil.enforcement.fanotify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mounts of /proc/self/mountinfo (proc(5)) and, from them, one path per filesystem that can
 * hold executables: where a FAN_MARK_FILESYSTEM mark covers every exec from it. Pure: the text comes in.
 */
public final class MountTable {
    private MountTable() {}

    /**
     * Filesystems that cannot hold a file to exec (kernel views, control files), so a filesystem
     * mark there would only cost a mark. Everything else is marked: tmpfs, devtmpfs, ramfs,
     * overlay, ext4, xfs, btrfs, fuse, nfs, ... Keep tracing-policies/README.md in step.
     */
    public static final Set<String> PSEUDO = Set.of("proc", "sysfs", "cgroup", "cgroup2", "debugfs", "tracefs",
            "securityfs", "bpf", "configfs", "pstore", "mqueue", "devpts", "fusectl", "binfmt_misc", "autofs",
            "hugetlbfs", "efivarfs", "rpc_pipefs", "nsfs", "selinuxfs", "nfsd");

    /** One line of mountinfo; {@code dev} is "major:minor" as the kernel writes it (the superblock's s_dev). */
    public record Mount(int id, int parent, String dev, Path mountPoint, String fsType) {}

    /** The lines of /proc/PID/mountinfo; a line that does not parse is an error (the format is the kernel's). */
    public static List<Mount> parse(String mountinfo) {
        List<Mount> out = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 7 || dash < 6 || dash + 1 >= f.length) {
                throw new IllegalArgumentException("not a mountinfo line: " + line);
            }
            out.add(new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], Path.of(unescape(f[4])), f[dash + 1]));
        }
        return out;
    }

    /**
     * One mount point per filesystem (by device number) that can hold executables, in mountinfo order:
     * the first of its mounts that is not hidden under another mount on the same point. A filesystem
     * whose every mount is hidden is left out (its path would name the filesystem on top).
     */
    public static Map<String, Path> executableFilesystems(List<Mount> mounts) {
        Set<Integer> hidden = new HashSet<>();   // ids of mounts another mount sits on top of
        for (Mount m : mounts) {
            for (Mount under : mounts) {
                if (under.id() == m.parent() && under.mountPoint().equals(m.mountPoint())) {
                    hidden.add(under.id());
                }
            }
        }
        Map<String, Path> out = new LinkedHashMap<>();
        for (Mount m : mounts) {
            if (!PSEUDO.contains(m.fsType()) && !hidden.contains(m.id())) {
                out.putIfAbsent(m.dev(), m.mountPoint());
            }
        }
        return out;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

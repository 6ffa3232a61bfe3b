package io.vigil.exporters.file;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Tetragon's {@code --export-file-perm}: an octal mode string, "600" by default. */
public final class FilePermissions {
    private FilePermissions() {}

    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    /** rw------- : events carry command lines. */
    public static final Set<PosixFilePermission> DEFAULT = parse("600");

    /** "600", "0640": octal, permission bits only (no setuid/sticky). */
    public static Set<PosixFilePermission> parse(String octal) {
        if (octal == null || !octal.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("--export-file-perm: expected an octal mode such as 600 or 0640, not \""
                    + octal + "\"");
        }
        int mode = Integer.parseInt(octal, 8);
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(BITS[i]);
            }
        }
        return out;
    }
}

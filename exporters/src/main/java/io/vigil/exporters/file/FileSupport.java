package io.vigil.exporters.file;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

final class FileSupport {
    private FileSupport() {}

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** Creates the file with {@code perms} if it does not exist (no window where it is wider), then sets them. */
    static void createWith(Path path, Set<PosixFilePermission> perms) throws IOException {
        if (!Files.exists(path)) {
            if (POSIX) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(perms)); // umask may narrow
            } else {
                Files.createFile(path);
            }
        }
        setPermissions(path, perms); // exactly perms, whatever the umask
    }

    static void setPermissions(Path path, Set<PosixFilePermission> perms) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, perms);
        }
    }
}

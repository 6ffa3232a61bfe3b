package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy file a non-root user could have written is refused, with the reason. */
class PolicyFileTrustTest {
    private static final int ME = (int) new com.sun.security.auth.module.UnixSystem().getUid();
    private final PolicyFileTrust trust = new PolicyFileTrust(ME);

    @TempDir
    Path tmp;

    private Path file(String mode) throws Exception {
        Path d = Files.createDirectories(tmp.resolve("d"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path f = Files.writeString(d.resolve("p.yaml"), "x");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void ownFileWritableByItsOwnerOnlyIsTrusted() throws Exception {
        assertEquals(Optional.empty(), trust.check(file("rw-r--r--")));
        assertEquals(Optional.empty(), trust.check(file("rw-------")));
    }

    @Test
    void groupOrOtherWritableFileIsRefused() throws Exception {
        Optional<String> r = trust.check(file("rw-rw-r--"));
        assertTrue(r.orElseThrow().contains("writable by group or others (mode 0664)"), r.toString());
        assertTrue(trust.check(file("rw-r--rw-")).isPresent());
    }

    @Test
    void aWritableDirectoryAboveIsRefusedUnlessSticky() throws Exception {
        Path f = file("rw-r--r--");
        Files.setPosixFilePermissions(f.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(trust.check(f).orElseThrow().startsWith("directory " + f.getParent().toRealPath()), trust.check(f).toString());
        new ProcessBuilder("chmod", "1777", f.getParent().toString()).start().waitFor();
        assertEquals(Optional.empty(), trust.check(f), "a sticky directory like /tmp is fine");
    }

    @Test
    void aSymlinkIsJudgedByWhatItPointsTo() throws Exception {
        Path f = file("rw-rw-rw-");
        Path link = Files.createSymbolicLink(tmp.resolve("link.yaml"), f);
        assertTrue(trust.check(link).isPresent());
    }

    @Test
    void aFileOwnedBySomeoneElseIsRefused() throws Exception {
        assumeTrue(ME == 0, "chown needs root");
        Path f = file("rw-r--r--");
        assertEquals(0, new ProcessBuilder("chown", "65534", f.toString()).start().waitFor());
        assertTrue(trust.check(f).orElseThrow().contains("owned by uid 65534"), trust.check(f).toString());
    }

    @Test
    void theManagerRefusesAnUntrustedFileWithItsPosition() throws Exception {
        Path f = file("rw-rw-rw-");
        Files.writeString(f, PolicyManagerTest.policy("open", "sys_openat"));
        RecordingInstaller installer = new RecordingInstaller();
        List<String> errors = new PolicyManager(installer).applyFile(f, PolicyManager.Origin.DIRECTORY);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(f + ":1:1: refused: "), errors.get(0));
        assertEquals(List.of(), installer.live, "nothing installed");
    }
}

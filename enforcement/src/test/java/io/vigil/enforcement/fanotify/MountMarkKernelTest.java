package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.fanotify.KernelFixture.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Mount and filesystem marks on a tmpfs the test mounts. A mount mark covers opens through that
 * one mount: the same files through a bind mount, or through the copy of the mount another mount
 * namespace has (a container), are a gap. A filesystem mark covers them all.
 */
@Tag("kernel")
class MountMarkKernelTest {
    static final Set<Access> OPEN = EnumSet.of(Access.OPEN);

    KernelFixture fx;
    Path mnt;
    Path secret;
    Path deniedBash;
    FanotifyGuard guard;

    @BeforeEach
    void setUp() throws Exception {
        fx = KernelFixture.create();
        mnt = fx.tmpfs("mnt");
        secret = Files.writeString(mnt.resolve("secret.txt"), fx.marker + "\n");
        deniedBash = fx.copyBinary("/bin/bash", "denied-bash");
        guard = FanotifyGuard.builder(new ExeDecider(deniedBash)).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (guard != null) {
            guard.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    Result readAsDenied(String path) throws Exception {
        return KernelFixture.run(List.of(deniedBash.toString(), "-c", "read -r l < " + path + " && echo \"$l\""));
    }

    /** In a new private mount namespace, bind-mounts mnt at dir/bind and reads through it. */
    Result readThroughBindInNewNamespace() throws Exception {
        Path bind = Files.createDirectory(fx.dir.resolve("bind"));
        return KernelFixture.run(List.of("unshare", "-m", "--propagation", "private", deniedBash.toString(), "-c",
                "mount --bind " + mnt + " " + bind + " || exit 99; read -r l < " + bind + "/secret.txt && echo \"$l\""));
    }

    /** In a new private mount namespace, reads through the namespace's copy of the mount. */
    Result readInNewNamespace() throws Exception {
        return KernelFixture.run(List.of("unshare", "-m", "--propagation", "private", deniedBash.toString(), "-c",
                "read -r l < " + secret + " && echo \"$l\""));
    }

    @Test
    void aMountMarkBlocksOpensThroughTheMount() throws Exception {
        guard.protect(MarkTarget.MOUNT, mnt, OPEN);
        Result r = readAsDenied(secret.toString());
        assertFalse(r.mentions(fx.marker), r.toString());
        assertTrue(r.stderr().contains("Operation not permitted"), r.toString());
    }

    @Test
    void aMountMarkMissesABindMountGap() throws Exception {
        guard.protect(MarkTarget.MOUNT, mnt, OPEN);
        Result r = readThroughBindInNewNamespace();
        assertTrue(r.stdout().contains(fx.marker), "a bind mount is another mount: " + r);
    }

    @Test
    void aMountMarkMissesAnotherMountNamespaceGap() throws Exception {
        guard.protect(MarkTarget.MOUNT, mnt, OPEN);
        Result r = readInNewNamespace();
        assertTrue(r.stdout().contains(fx.marker), "unshare -m copies the mount; the copy is unmarked: " + r);
    }

    @Test
    void aFilesystemMarkBlocksEveryMountOfTheFilesystem() throws Exception {
        guard.protect(MarkTarget.FILESYSTEM, mnt, OPEN);
        for (Result r : List.of(readAsDenied(secret.toString()), readInNewNamespace(), readThroughBindInNewNamespace())) {
            assertFalse(r.mentions(fx.marker), r.toString());
            assertTrue(r.stderr().contains("Operation not permitted"), r.toString());
        }
    }
}

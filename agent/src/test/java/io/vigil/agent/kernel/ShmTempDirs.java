package io.vigil.agent.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temp dirs on /dev/shm (tmpfs) for kernel tests on file hooks: in the VM, / and /tmp are overlayfs,
 * where one open is two files to the kernel (the overlay's and the backing one).
 * Use as {@code @TempDir(factory = ShmTempDirs.class)}.
 */
public final class ShmTempDirs implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? Files.createTempDirectory(shm, "vigil-test-") : Files.createTempDirectory("vigil-test-");
    }
}

package io.vigil.agent.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.bpf.Backend;
import java.util.Optional;

/** What kernel tests share: the root check and the backend under test. */
public final class KernelTestSupport {
    private KernelTestSupport() {}

    /** Kernel tests need root; CI runs as root, so there they always run. Elsewhere: a loud skip. */
    public static void requireRoot() {
        boolean root = "root".equals(System.getProperty("user.name")) || uid() == 0;
        if (!root) {
            System.err.println("!!! SKIPPING KERNEL TESTS: not running as root (uid " + uid() + "). "
                    + "They load BPF programs; run `sudo bin/test`.");
        }
        assumeTrue(root, "kernel tests need root");
    }

    private static long uid() {
        try {
            return (Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
        } catch (Exception e) {
            return -1;
        }
    }

    /** The backend forced by -Dvigil.test.backend (the VM harness sets kprobe or fentry), else the probe's. */
    public static Optional<Backend> backend() {
        String b = System.getProperty("vigil.test.backend", "");
        return b.isEmpty() ? Optional.empty() : Optional.of(Backend.ofDisplayName(b));
    }
}

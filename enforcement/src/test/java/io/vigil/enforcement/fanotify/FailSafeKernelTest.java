package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.fanotify.KernelFixture.Result;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel's fail-safe: when the process holding the fanotify fd dies (SIGKILL, no cleanup),
 * the open it left waiting is allowed and the mark is gone. Denial does not outlive the agent.
 */
@Tag("kernel")
class FailSafeKernelTest {
    KernelFixture fx;
    Process child;

    @BeforeEach
    void setUp() throws Exception {
        fx = KernelFixture.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor();
        }
        fx.close();
    }

    @Test
    void killingTheGuardProcessAllowsThePendingOpenAndRemovesTheMark() throws Exception {
        Path f = fx.secret("f");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), GuardChildMain.class.getName(), f.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        String line = out.readLine();
        assertEquals("ready", line, "the guard process did not start");

        Process reader = new ProcessBuilder("/usr/bin/head", f.toString()).start();
        assertTrue(!reader.waitFor(500, TimeUnit.MILLISECONDS), "head must be waiting for the guard's answer");

        child.destroyForcibly(); // SIGKILL: no close(), no answer
        assertTrue(reader.waitFor(10, TimeUnit.SECONDS), "the pending open was released when the guard died");
        assertEquals(0, reader.exitValue());
        assertTrue(KernelFixture.read(reader.getInputStream()).contains(fx.marker), "the pending open was allowed");

        Result again = KernelFixture.run(List.of("/usr/bin/head", f.toString()));
        assertTrue(again.exit() == 0 && again.stdout().contains(fx.marker), "the mark died with the guard: " + again);
    }
}

package io.vigil.agent.pins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pin root's bookkeeping on an ordinary directory (the kernel side: KeepSensorsOnExitKernelTest). */
class PinRootTest {
    @TempDir
    Path tmp;

    @Test
    void runsAreTheAgentDirectoriesAndReleaseRemovesOneRunWithItsLinks() throws Exception {
        Path old = Files.createDirectories(tmp.resolve("agent-10-1/base-sensors"));
        Files.createFile(old.resolve("exec-vigil_exec_tp"));
        Files.createFile(Files.createDirectories(tmp.resolve("agent-10-1/policy-p-h1")).resolve("hook1-0-cgroup-x"));
        Path other = Files.createDirectories(tmp.resolve("agent-11-2/base-sensors"));
        Files.createFile(other.resolve("exec-vigil_exec_tp"));
        Files.createDirectories(tmp.resolve("not-a-run"));

        PinRoot root = new PinRoot(tmp);
        assertEquals(List.of(tmp.resolve("agent-10-1"), tmp.resolve("agent-11-2")), root.runs());
        assertEquals(2, PinRoot.links(tmp.resolve("agent-10-1")).size());
        assertEquals(2, PinRoot.release(tmp.resolve("agent-10-1")));
        assertFalse(Files.exists(tmp.resolve("agent-10-1")));
        assertEquals(List.of(tmp.resolve("agent-11-2")), root.runs(), "the other run is untouched");
        assertTrue(Files.exists(other.resolve("exec-vigil_exec_tp")));
    }

    @Test
    void aMissingRootHasNoRuns() {
        assertEquals(List.of(), new PinRoot(tmp.resolve("none")).runs());
    }

    @Test
    void aRootOffBpffsIsNotPinnable() {
        assertTrue(new PinRoot(tmp.resolve("links")).notPinnable().orElseThrow().contains("not on a bpffs mount"));
    }

    @Test
    void namesLoseWhatBpffsRefuses() {
        // bpffs answers EPERM to a name with a dot; a slash would make a directory
        assertEquals("policy-ns_deny_v2-h3", PinGroup.fileName("policy-ns/deny.v2-h3"));
        assertEquals("hook3-0-tracepoint-vigil_gen_tp-syscalls_sys_enter_write",
                PinGroup.fileName("hook3-0-tracepoint-vigil_gen_tp-syscalls/sys_enter_write"));
        assertEquals(200, PinGroup.fileName("x".repeat(300)).length());
    }
}

package io.vigil.agent.policy.enforce;

import static io.vigil.agent.kernel.PolicyKernelTests.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.PolicyEvents;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.agent.kernel.ShmTempDirs;
import io.vigil.agent.policy.plan.OverridePlacement;
import io.vigil.agent.policy.runtime.PolicyManager;
import io.vigil.bpf.Feature;
import io.vigil.bpf.FeatureProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tetragon's lsm_bprm_check.yaml shape (bprm_check_security, matchBinaries In the shell, matchArgs
 * Postfix, Override + Post imaHash) for this test's own files. Its selectors name no file, so
 * without BPF LSM it runs on FAN_OPEN_EXEC_PERM marks of every filesystem: the shell's exec of the
 * binary fails with EPERM and is reported, the same binary exec'd by another program runs, another
 * name exec'd by the shell runs, a filesystem mounted after the policy loaded is covered, and
 * after the policy is deleted the exec runs. Where BPF LSM runs (the VM) the planner puts it there.
 */
@Tag("kernel")
@Tag("vm-enforce")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class ExecEveryFilesystemKernelTest {
    private static final String SUFFIX = "/vigil-tester-progs/nop";
    private static final String BASH = "/usr/bin/bash";

    static Agent agent;
    static PolicyEvents events;

    @TempDir(factory = ShmTempDirs.class)
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        CapturingSink sink = new CapturingSink();
        events = new PolicyEvents(sink);
        agent = PolicyKernelTests.startAgent(sink);
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @AfterEach
    void deletePolicies() {
        PolicyManager pm = agent.policies().orElseThrow();
        pm.list().forEach(s -> pm.delete(s.name()));
    }

    @Test
    void theShellsExecOfTheSuffixIsDeniedAndReportedNearMissesRunAndDeleteEndsIt() throws Exception {
        assertEquals(BASH, Path.of("/bin/bash").toRealPath().toString(), "the test names bash by its real path");
        Path nop = copy("/usr/bin/touch", tmp.resolve("vigil-tester-progs/nop"));
        Path other = copy("/usr/bin/touch", tmp.resolve("vigil-tester-progs/other"));
        apply("lsm-exec");
        List<String> at = agent.policies().orElseThrow().list().get(0).attachments();
        if (FeatureProbe.run(EnumSet.of(Feature.LSM)).supported(Feature.LSM)) {
            assertEquals(List.of("lsm bprm_check_security"), at, "with BPF LSM the hook goes there");
        } else {
            assertEquals(List.of("fanotify " + OverridePlacement.EVERY_FILESYSTEM), at);
        }

        Path m1 = tmp.resolve("m1");
        String out = bash("\"$0\" \"$1\"; echo rc=$?", nop, m1);
        assertTrue(out.contains("rc=126") && out.contains("Operation not permitted"), out);
        assertFalse(Files.exists(m1), "the denied binary ran");
        JsonNode e = events.awaitAny("lsm-exec", n -> n.toString().contains(nop.toString()));
        assertEquals("KPROBE_ACTION_OVERRIDE", e.path("action").asText(), e.toString());
        assertEquals("bprm_check_security", e.path("function_name").asText(), e.toString());
        assertEquals(BASH, e.at("/process/binary").asText(), e.toString());

        Path m2 = tmp.resolve("m2");
        Process env = new ProcessBuilder("/usr/bin/env", nop.toString(), m2.toString()).redirectErrorStream(true).start();
        String envOut = new String(env.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, env.waitFor(), "exec'd by env, not by the shell: " + envOut);
        assertTrue(Files.exists(m2));

        Path m3 = tmp.resolve("m3");
        String otherOut = bash("\"$0\" \"$1\"; echo rc=$?", other, m3);
        assertTrue(otherOut.contains("rc=0") && Files.exists(m3), "another name: " + otherOut);

        Thread.sleep(QUIET.toMillis());
        assertEquals(1, events.ofPolicy("lsm-exec").size(), "the denied exec only: " + events.ofPolicy("lsm-exec"));

        agent.policies().orElseThrow().delete("lsm-exec");
        Path m4 = tmp.resolve("m4");
        String after = bash("\"$0\" \"$1\"; echo rc=$?", nop, m4);
        assertTrue(after.contains("rc=0") && Files.exists(m4), "after delete: " + after);
    }

    @Test
    void aFilesystemMountedAfterThePolicyLoadedIsCovered() throws Exception {
        apply("lsm-exec-mount");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        run("/usr/bin/mount", "-t", "tmpfs", "vigil-execfs-test", mnt.toString());
        try {
            Thread.sleep(1000);   // the agent marks a new filesystem when mountinfo signals it (milliseconds)
            Path nop = copy("/usr/bin/touch", mnt.resolve("vigil-tester-progs/nop"));
            Path other = copy("/usr/bin/touch", mnt.resolve("vigil-tester-progs/other"));
            Path m1 = tmp.resolve("m1");
            String out = bash("\"$0\" \"$1\"; echo rc=$?", nop, m1);
            assertTrue(out.contains("rc=126") && out.contains("Operation not permitted"), out);
            assertFalse(Files.exists(m1), "the denied binary ran from the new filesystem");
            events.awaitAny("lsm-exec-mount", n -> n.toString().contains(nop.toString()));
            Path m2 = tmp.resolve("m2");
            String otherOut = bash("\"$0\" \"$1\"; echo rc=$?", other, m2);
            assertTrue(otherOut.contains("rc=0") && Files.exists(m2), "another name there runs: " + otherOut);
        } finally {
            run("/usr/bin/umount", mnt.toString());
        }
    }

    @Test
    void onFanotifyTheDynamicLoaderIsAnExecOfItsOwnUnlikeBprmCheck() throws Exception {
        PolicyKernelTests.apply(agent, tmp, "loader", "enforce", "lsmhooks", """
                - hook: "bprm_check_security"
                  args:
                  - index: 0
                    type: "linux_binprm"
                  selectors:
                  - matchBinaries:
                    - operator: "In"
                      values: ["%s"]
                    matchArgs:
                    - index: 0
                      operator: "Postfix"
                      values: ["%s"]
                    matchActions:
                    - action: Override
                      argError: -1
                  - matchBinaries:
                    - operator: "In"
                      values: ["%s"]
                    matchArgs:
                    - index: 0
                      operator: "Postfix"
                      values: ["/ld-linux-x86-64.so.2"]
                    matchActions:
                    - action: Post
                """.formatted(BASH, SUFFIX, BASH));
        boolean fanotify = agent.policies().orElseThrow().list().get(0).attachments().get(0).startsWith("fanotify");
        Process p = new ProcessBuilder(BASH, "-c", "/usr/bin/true").start();   // bash execs it in place: same pid
        assertEquals(0, p.waitFor(), "a dynamic binary runs");
        if (fanotify) {
            JsonNode e = events.awaitOne("loader", p.pid());
            assertTrue(e.toString().contains("ld-linux-x86-64.so.2"), e.toString());
            assertEquals("KPROBE_ACTION_POST", e.path("action").asText(), e.toString());
        } else {
            events.assertNone("loader", p.pid());   // a BPF LSM program on bprm_check sees the binary only
        }
    }

    private void apply(String name) throws Exception {
        PolicyKernelTests.apply(agent, tmp, name, "enforce", "lsmhooks", """
                - hook: "bprm_check_security"
                  args:
                  - index: 0
                    type: "linux_binprm"
                  selectors:
                  - matchBinaries:
                    - operator: "In"
                      values: ["%s"]
                    matchArgs:
                    - index: 0
                      operator: "Postfix"
                      values: ["%s"]
                    matchActions:
                    - action: Override
                      argError: -1
                    - action: Post
                      imaHash: true
                """.formatted(BASH, SUFFIX));
    }

    private static String bash(String script, Path bin, Path arg) throws Exception {
        Process p = new ProcessBuilder(BASH, "-c", script, bin.toString(), arg.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private static Path copy(String from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        Files.copy(Path.of(from), to, StandardCopyOption.COPY_ATTRIBUTES);
        return to.toRealPath();
    }
}

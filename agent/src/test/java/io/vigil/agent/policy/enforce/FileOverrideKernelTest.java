package io.vigil.agent.policy.enforce;

import static io.vigil.agent.kernel.PolicyKernelTests.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.kernel.PolicyAgent;
import io.vigil.agent.kernel.PolicyEvents;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.agent.kernel.ShmTempDirs;
import io.vigil.policy.PolicyMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Override on file opens and execs through tracing policies, on this kernel's deny for files:
 * fanotify permission events on what the policy names, answered by the agent with the policy's
 * selectors (FanotifyHooks). A denied binary opens a protected file 10,000 times and gets none of
 * its bytes, through every name tried; an allowed binary reads it; a denied exec runs no
 * instruction; monitor mode lets every open through with one event each.
 */
@Tag("kernel")
@Tag("vm-enforce")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class FileOverrideKernelTest {
    /** The 10,000 on the host; 200 in the emulated VM, where each open waits for the agent (~15x slower). */
    private static final int ATTEMPTS = Boolean.getBoolean("vigil.test.vm") ? 200 : 10_000;

    @RegisterExtension
    static final PolicyAgent agent = new PolicyAgent();
    static final PolicyEvents events = agent.events();

    @TempDir(factory = ShmTempDirs.class)
    Path tmp;

    @Test
    void deniedBinaryGetsNoByteOfTheFileThroughAnyName() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("secret")).toRealPath();
        String marker = "VIGIL-SECRET-" + UUID.randomUUID();
        Path secret = Files.writeString(dir.resolve("weights.bin"), marker + "\n");
        Path bash = copy("/bin/bash", "denybash");
        apply("deny-secret", "kprobes", """
                - call: "security_file_open"
                  syscall: false
                  args:
                  - index: 0
                    type: "file"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Equal"
                      values: ["%s"]
                    matchBinaries:
                    - operator: "In"
                      values: ["%s"]
                    matchActions:
                    - action: Override
                      argError: -1
                """.formatted(secret, bash), "enforce");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), secret);
        Path hard = Files.createLink(dir.resolve("hard"), secret);
        Path out = tmp.resolve("out");

        Process p = new ProcessBuilder(bash.toString(), "-c", """
                ok=0; fail=0
                for i in $(seq 1 %d); do
                  if read -r line < "$1" 2>/dev/null; then ok=$((ok+1)); echo "$line" >> "$2"; else fail=$((fail+1)); fi
                done
                echo "ok=$ok fail=$fail"
                for f in "$3" "$4" secret/weights.bin; do
                  if cat_out=$(cd "$5" && read -r l < "$f" 2>&1 && echo "$l"); then echo "READ $f $cat_out"; else echo "DENIED $f"; fi
                done
                """.formatted(ATTEMPTS), "denybash", secret.toString(), out.toString(), link.toString(), hard.toString(),
                tmp.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertTrue(output.contains("ok=0 fail=" + ATTEMPTS), output);
        assertTrue(output.contains("DENIED " + link), "through a symlink: " + output);
        assertTrue(output.contains("DENIED " + hard), "through a hard link: " + output);
        assertTrue(output.contains("DENIED secret/weights.bin"), "relative, from another cwd: " + output);
        assertFalse(output.contains(marker), "the marker reached the denied process: " + output);
        assertFalse(Files.exists(out) && Files.readString(out).contains(marker), "the marker reached a file it wrote");

        Process head = new ProcessBuilder("/usr/bin/head", "-c", "200", secret.toString()).start();
        assertTrue(new String(head.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains(marker),
                "an allowed binary reads it");
        assertEquals(0, head.waitFor());

        List<JsonNode> ev = events.awaitCount("deny-secret", p.pid(), ATTEMPTS);
        Thread.sleep(QUIET.toMillis());
        assertEquals(ATTEMPTS, events.of("deny-secret", p.pid()).size(), "one event per refused open of the loop");
        assertEquals(ATTEMPTS + 3, events.ofPolicy("deny-secret").size(), "and one for each other name (in subshells)");
        assertTrue(events.ofPolicy("deny-secret").stream().anyMatch(n -> n.at("/args/0/file_arg/path").asText()
                .equals(hard.toString())), "the hard link is reported by the name used");
        JsonNode first = ev.get(0);
        assertEquals("KPROBE_ACTION_OVERRIDE", first.path("action").asText(), first.toString());
        assertEquals("security_file_open", first.path("function_name").asText());
        assertEquals(secret.toString(), first.at("/args/0/file_arg/path").asText(), first.toString());
        assertEquals(bash.toString(), first.at("/process/binary").asText(), first.toString());
        events.assertNone("deny-secret", head.pid());
    }

    @Test
    void deniedExecRunsNoInstruction() throws Exception {
        Path touch = copy("/usr/bin/touch", "dropper");
        Path marker = tmp.resolve("dropped");
        apply("deny-exec", "lsmhooks", """
                - hook: "bprm_check_security"
                  args:
                  - index: 0
                    type: "linux_binprm"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Equal"
                      values: ["%s"]
                    matchActions:
                    - action: Override
                      argError: -1
                """.formatted(touch), "enforce");
        Process p = new ProcessBuilder("/bin/bash", "-c", touch + " " + marker + "; echo rc=$?").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(output.contains("rc=126") && output.contains("Operation not permitted"), output);
        assertFalse(Files.exists(marker), "the denied binary ran");
        JsonNode e = events.awaitAny("deny-exec", n -> n.toString().contains(touch.toString()));
        assertEquals("KPROBE_ACTION_OVERRIDE", e.path("action").asText(), e.toString());
        assertEquals("bprm_check_security", e.path("function_name").asText(), e.toString());

        Process ok = new ProcessBuilder("/usr/bin/touch", marker.toString()).start();
        assertEquals(0, ok.waitFor(), "the original binary is not named");
        assertTrue(Files.exists(marker));
    }

    @Test
    void monitorModeLetsEveryOpenThroughWithOneEventEachThenSetModeEnforces() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("watched")).toRealPath();
        Path f = Files.writeString(dir.resolve("f"), "data\n");
        Path unrelated = Files.writeString(Files.createDirectories(tmp.resolve("other")).resolve("g"), "x\n");
        apply("watch-dir", "kprobes", """
                - call: "sys_openat"
                  syscall: true
                  args:
                  - index: 1
                    type: "string"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Prefix"
                      values: ["%s/"]
                    matchActions:
                    - action: Override
                      argError: -1
                """.formatted(dir), "monitor");
        String loop = "n=0; for i in $(seq 1 200); do read -r l < \"$1\" && n=$((n+1)); done; read -r l < \"$2\"; echo n=$n";
        Process p = new ProcessBuilder("/bin/bash", "-c", loop, "b", f.toString(), unrelated.toString()).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals("n=200", output.trim(), "monitor mode denied");
        events.awaitCount("watch-dir", p.pid(), 200);
        Thread.sleep(QUIET.toMillis());
        List<JsonNode> ev = events.of("watch-dir", p.pid());
        assertEquals(200, ev.size(), "one would-have event per open, none for the unrelated file");
        assertEquals("KPROBE_ACTION_POST", ev.get(0).path("action").asText());

        agent.policies().orElseThrow().setMode("watch-dir", PolicyMode.ENFORCE);
        Process q = new ProcessBuilder("/bin/bash", "-c", loop, "b", f.toString(), unrelated.toString()).start();
        String after = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, q.waitFor());
        assertEquals("n=0", after.trim(), "after set-mode enforce");
        assertEquals(200, events.awaitCount("watch-dir", q.pid(), 200).size());
        assertNotEquals("", ev.get(0).at("/args/0/string_arg").asText());

        agent.policies().orElseThrow().setMode("watch-dir", PolicyMode.MONITOR);   // and back, in place
        Process r = new ProcessBuilder("/bin/bash", "-c", loop, "c", f.toString(), unrelated.toString()).start();
        String back = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, r.waitFor());
        assertEquals("n=200", back.trim(), "after set-mode monitor");
    }

    private Path copy(String from, String name) throws Exception {
        return PolicyKernelTests.copy(tmp, from, name);
    }

    private void apply(String name, String section, String hooks, String mode) throws Exception {
        agent.apply(tmp, name, mode, section, hooks);
    }

}

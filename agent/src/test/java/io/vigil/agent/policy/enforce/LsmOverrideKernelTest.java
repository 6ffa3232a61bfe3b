package io.vigil.agent.policy.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.kernel.PolicyAgent;
import io.vigil.agent.kernel.PolicyEvents;
import io.vigil.agent.kernel.ShmTempDirs;
import io.vigil.agent.policy.plan.TracefsHostFacts;
import io.vigil.agent.policy.runtime.PolicyManager;
import io.vigil.policy.PolicyMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Override that no scoped mechanism can serve (a binary or file named only by its suffix: nothing to
 * put a fanotify mark on), carried out by a BPF LSM program where the kernel runs them (Debian's
 * kernels in the VM): the exec fails before the binary runs, the open fails with the policy's own
 * errno (fanotify could only answer EPERM), monitor mode lets both through, set-mode switches the
 * running program. On a kernel that refuses BPF LSM programs (the development kernel) the same
 * open policy must be refused when it loads, naming what would serve it; the exec policy runs there on
 * fanotify exec marks of every filesystem (EPERM, the only answer fanotify has).
 */
@Tag("kernel")
class LsmOverrideKernelTest {
    /** Opens of the denied file: many on the host's kind of speed, fewer under emulation. */
    private static final int ATTEMPTS = Boolean.getBoolean("vigil.test.vm") ? 200 : 10_000;

    @RegisterExtension
    static final PolicyAgent agent = new PolicyAgent();
    static final PolicyEvents events = agent.events();
    static boolean bpfLsm;

    @TempDir(factory = ShmTempDirs.class)
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        bpfLsm = TracefsHostFacts.forHost().bpfLsm();
        System.err.println("LsmOverrideKernelTest: " + (bpfLsm ? "BPF LSM runs on this kernel: checking the denies"
                : "this kernel refuses BPF LSM programs: the exec deny on fanotify marks, the open policy refused"));
    }

    private List<String> apply(String name, String section, String hooks) throws Exception {
        Path f = Files.writeString(tmp.resolve(name + ".yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "%s"
                spec:
                  %s:
                """.formatted(name, section) + hooks.indent(2));
        return agent.policies().orElseThrow().applyFile(f, PolicyManager.Origin.DIRECTORY);
    }

    private static String bash(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void anExecDeniedByItsSuffixRunsNoInstruction() throws Exception {
        Path dropper = tmp.resolve("vigil-dropper");
        Files.copy(Path.of("/usr/bin/touch"), dropper, StandardCopyOption.COPY_ATTRIBUTES);
        Path marker = tmp.resolve("dropped");
        List<String> errors = apply("deny-suffix-exec", "lsmhooks", """
                - hook: "bprm_check_security"
                  args:
                  - index: 0
                    type: "linux_binprm"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Postfix"
                      values: ["/vigil-dropper"]
                    matchActions:
                    - action: Override
                      argError: -13
                """);
        // without BPF LSM the exec deny goes on fanotify marks of every filesystem, which answer EPERM only
        assertEquals(List.of(), errors);
        String denied = bpfLsm ? "Permission denied" : "Operation not permitted";
        String out = bash(dropper + " " + marker + "; echo rc=$?");
        assertTrue(out.contains("rc=126") && out.contains(denied), denied + " expected: " + out);
        assertFalse(Files.exists(marker), "the denied binary ran");
        JsonNode e = events.awaitAny("deny-suffix-exec", n -> n.toString().contains(dropper.toString()));
        assertEquals("KPROBE_ACTION_OVERRIDE", e.path("action").asText(), e.toString());
        assertEquals("bprm_check_security", e.path("function_name").asText(), e.toString());

        assertTrue(bash("/usr/bin/touch " + marker + "; echo rc=$?").contains("rc=0"), "another binary is not named");
        Files.delete(marker);

        agent.policies().orElseThrow().setMode("deny-suffix-exec", PolicyMode.MONITOR);
        assertTrue(bash(dropper + " " + marker + "; echo rc=$?").contains("rc=0"), "monitor mode denied");
        assertTrue(Files.exists(marker));
        agent.policies().orElseThrow().setMode("deny-suffix-exec", PolicyMode.ENFORCE);
        Files.delete(marker);
        assertTrue(bash(dropper + " " + marker + "; echo rc=$?").contains("rc=126"), "enforce again");
        assertFalse(Files.exists(marker));
    }

    @Test
    void anOpenDeniedByItsSuffixFailsWithThePolicysErrno() throws Exception {
        Path secret = Files.writeString(tmp.resolve("model.vigil-secret"), "VIGIL-LSM-MARKER\n");
        List<String> errors = apply("deny-suffix-open", "kprobes", """
                - call: "security_file_open"
                  syscall: false
                  args:
                  - index: 0
                    type: "file"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Postfix"
                      values: [".vigil-secret"]
                    matchActions:
                    - action: Override
                      argError: -2
                """);
        if (!bpfLsm) {
            assertEquals(1, errors.size(), errors::toString);
            assertTrue(errors.get(0).contains("Equal (files) or Prefix (directories)"), errors.get(0));
            return;
        }
        assertEquals(List.of(), errors);
        Path link = Files.createSymbolicLink(tmp.resolve("innocent-name"), secret);
        Path hard = Files.createLink(tmp.resolve("hard-name"), secret);
        String out = bash("""
                ok=0; fail=0
                for i in $(seq 1 %d); do
                  if read -r line < "$0" 2>/dev/null; then ok=$((ok+1)); echo "$line"; else fail=$((fail+1)); fi
                done
                echo "ok=$ok fail=$fail"
                cat "$1" 2>&1; echo "symlink rc=$?"
                cat "$2" >/dev/null 2>&1; echo "hard link rc=$?"
                """.formatted(ATTEMPTS).replace("$0", secret.toString()).replace("$1", link.toString())
                .replace("$2", hard.toString()));
        assertTrue(out.contains("ok=0 fail=" + ATTEMPTS), out);
        assertTrue(out.contains("symlink rc=1"), "through a symlink the kernel opens the target, whose name matches: " + out);
        assertFalse(out.contains("VIGIL-LSM-MARKER"), "the content was read: " + out);
        assertTrue(out.contains("No such file or directory"), "ENOENT (argError -2), which fanotify cannot give: " + out);
        // the program sees the path that was opened: a hard link under another name is another path, as in
        // Tetragon (the scoped fanotify placement, used for files named by Equal/Prefix, matches the inode)
        assertTrue(out.contains("hard link rc=0"), "by name, not by inode: " + out);
        JsonNode e = events.awaitAny("deny-suffix-open", n -> n.at("/args/0/file_arg/path").asText().equals(secret.toString()));
        assertEquals("KPROBE_ACTION_OVERRIDE", e.path("action").asText(), e.toString());
        assertEquals("security_file_open", e.path("function_name").asText(), e.toString());
        assertTrue(bash("cat " + tmp.resolve("other") + " 2>&1; echo rc=$?").contains("No such file"), "sanity: missing file");
        Files.writeString(tmp.resolve("plain.txt"), "ok\n");
        assertTrue(bash("cat " + tmp.resolve("plain.txt")).contains("ok"), "another file opens");
    }
}

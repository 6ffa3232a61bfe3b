package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static io.vigil.agent.kernel.PolicyKernelTests.QUIET;
import static io.vigil.agent.kernel.PolicyKernelTests.WAIT;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.api.Event;
import io.vigil.api.ProcessKprobe;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * matchBinaries on processes that were running before the policy loaded, as Tetragon matches them:
 * a copy of bash started first and told to act only after the policy is in; a plain bash doing the
 * same must not match; its child matches only through followChildren.
 */
@Tag("kernel")
class MatchBinariesSeedKernelTest {

    @TempDir
    Path tmp;

    @Test
    void aProcessStartedBeforeThePolicyMatchesItsBinaryAndPassesFollowChildrenOn() throws Exception {
        KernelTestSupport.requireRoot();
        Path bash = tmp.resolve("vigil-seeded-bash");
        Files.copy(Path.of("/bin/bash"), bash);
        bash.toFile().setExecutable(true);
        Path target = Files.writeString(tmp.resolve("target"), "x\n");
        CapturingSink sink = new CapturingSink();
        try (Agent agent = PolicyKernelTests.startAgent(sink)) {
            // both wait on stdin: they exist before the policy, and act after it
            String script = "read -r go; read -r x < " + target + "; /bin/cat " + target + " > /dev/null";
            Process seeded = new ProcessBuilder(bash.toString(), "-c", script).start();
            Process plain = new ProcessBuilder("/bin/bash", "-c", script).start();
            Thread.sleep(300);
            Path policy = Files.writeString(tmp.resolve("p.yaml"), """
                    apiVersion: cilium.io/v1alpha1
                    kind: TracingPolicy
                    metadata:
                      name: "seeded"
                    spec:
                      kprobes:
                      - call: "sys_openat"
                        syscall: true
                        args:
                        - index: 1
                          type: "string"
                        selectors:
                        - matchBinaries:
                          - operator: "In"
                            values: ["%s"]
                            followChildren: true
                          matchArgs:
                          - index: 1
                            operator: "Equal"
                            values: ["%s"]
                    """.formatted(bash, target));
            PolicyKernelTests.apply(agent, policy);
            for (Process p : List.of(seeded, plain)) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                }
                assertEquals(0, p.waitFor());
            }
            List<Event> mine = sink.await(openBy(seeded.pid(), false), 1, WAIT);
            assertFalse(mine.isEmpty(), "the bash started before the policy did not match its binary");
            List<Event> child = sink.await(openBy(seeded.pid(), true), 1, WAIT);
            assertFalse(child.isEmpty(), "its cat child did not match through followChildren");
            Thread.sleep(QUIET.toMillis());
            assertTrue(sink.matching(openBy(plain.pid(), false)).isEmpty(), "a plain bash matched");
            assertTrue(sink.matching(openBy(plain.pid(), true)).isEmpty(), "a plain bash's child matched");
        }
    }

    /** A policy event of the process pid itself, or of a child of it. */
    private static Predicate<Event> openBy(long pid, boolean child) {
        return e -> e.body() instanceof ProcessKprobe k && "seeded".equals(k.policyName())
                && (child ? k.parent() != null && k.parent().pid() == pid && k.process().pid() != pid
                        : k.process().pid() == pid);
    }
}

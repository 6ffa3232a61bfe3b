package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.kernel.PolicyEvents;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.agent.kernel.ShmTempDirs;
import io.vigil.agent.policy.runtime.PolicyManager;
import io.vigil.bpf.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tetragon's lsm_track_grandparent: bprm_check_security's argument resolved through
 * mm.owner.real_parent.real_parent.comm, compiled from this kernel's BTF and followed in the
 * kernel. The exec'ing task is forked by a shell named vigil-par, itself forked by one named
 * vigil-gp (copies of bash: a task's comm is its binary's name), so the grandparent's comm is
 * known. On backends other than tracepoints the policy must be refused, with why.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only: there it checks the refusal (kprobe/fentry)
class ResolveKernelTest {
    static Agent agent;
    static PolicyEvents events;

    @TempDir(factory = ShmTempDirs.class)
    static Path tmp;

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

    private static String bash(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void theGrandparentsCommOfAnExec() throws Exception {
        Path gp = Files.copy(Path.of("/bin/bash"), tmp.resolve("vigil-gp"), StandardCopyOption.COPY_ATTRIBUTES);
        Path par = Files.copy(Path.of("/bin/bash"), tmp.resolve("vigil-par"), StandardCopyOption.COPY_ATTRIBUTES);
        Path target = Files.copy(Path.of("/bin/true"), tmp.resolve("vigil-rtrue"), StandardCopyOption.COPY_ATTRIBUTES);
        Path other = Files.copy(Path.of("/bin/true"), tmp.resolve("vigil-rother"), StandardCopyOption.COPY_ATTRIBUTES);
        Path policy = Files.writeString(tmp.resolve("lsm-grandparent.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "lsm-grandparent"
                spec:
                  lsmhooks:
                  - hook: "bprm_check_security"
                    args:
                      - index: 0
                        type: "string"
                        resolve: "mm.owner.real_parent.real_parent.comm"
                    selectors:
                      - matchBinaries:
                        - operator: "In"
                          values: ["%s"]
                        matchActions:
                        - action: Post
                """.formatted(target));
        List<String> errors = agent.policies().orElseThrow().applyFile(policy, PolicyManager.Origin.DIRECTORY);
        Backend backend = KernelTestSupport.backend().orElse(Backend.TRACEPOINT);
        if (backend != Backend.TRACEPOINT) {
            assertEquals(1, errors.size(), errors::toString);
            assertTrue(errors.get(0).contains("is not followed on this hook"), errors.get(0));
            return;
        }
        assertEquals(List.of(), errors);
        // each shell runs its command in a child (the "; true" keeps it from exec'ing in place)
        String out = bash(gp + " -c '" + par + " -c \"" + target + "; " + other + "; true\"; true'; echo rc=$?");
        assertTrue(out.contains("rc=0"), out);
        JsonNode e = events.awaitAny("lsm-grandparent", n -> n.at("/process/binary").asText().equals(target.toString()));
        assertEquals("vigil-gp", e.at("/args/0/string_arg").asText(), e.toString());
        assertEquals("bprm_check_security", e.path("function_name").asText(), e.toString());
        events.assertNoneAny("lsm-grandparent", n -> n.at("/process/binary").asText().equals(other.toString()));
    }
}

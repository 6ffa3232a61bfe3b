package io.vigil.agent.policy.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.PolicyEvents;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.agent.policy.runtime.PolicyManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One agent per test class (kernel installer, capturing sink); each test writes its policies with
 * {@link #apply}, and they are deleted after it, so a test sees only its own hooks.
 */
abstract class FeatureKernelTest {
    static Agent agent;
    static PolicyEvents events;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startAgent() throws Exception {
        CapturingSink sink = new CapturingSink();
        events = new PolicyEvents(sink);
        agent = PolicyKernelTests.startAgent(sink);
    }

    @AfterAll
    static void stopAgent() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    @AfterEach
    void deletePolicies() {
        PolicyManager pm = agent.policies().orElseThrow();
        for (PolicyManager.Status st : pm.list()) {
            pm.delete(st.name());
        }
    }

    /** Writes a TracingPolicy named name with the given spec (YAML, from column 0) and loads it; it must run. */
    void apply(String name, String spec) throws Exception {
        String yaml = """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "%s"
                spec:
                """.formatted(name) + spec.indent(2);
        Path file = Files.writeString(tmp.resolve(name + ".yaml"), yaml);
        PolicyKernelTests.apply(agent, file);
        PolicyManager.Status st = agent.policies().orElseThrow().list().stream().filter(s -> s.name().equals(name))
                .findFirst().orElseThrow();
        assertEquals(PolicyManager.State.RUNNING, st.state(), st.toString());
    }

    /** A directory under the test's temp dir, created, as its real path (what the kernel reports). */
    Path dir(String name) throws Exception {
        return Files.createDirectories(tmp.resolve(name)).toRealPath();
    }

    /** A file with some content under the test's temp dir, as its real path. */
    Path file(String name) throws Exception {
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, "vigil\n").toRealPath();
    }
}

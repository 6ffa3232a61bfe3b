package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.bpf.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent builds its policy manager from the injected factory after its sensors are in the
 * kernel, reports the policies in its status, and takes them out before it detaches the sensors.
 */
@Tag("kernel")
class AgentPoliciesKernelTest {
    @TempDir
    Path dir;

    static AgentConfig config() {
        return AgentConfig.defaults().withBackend(KernelTestSupport.backend()).withNodeName("vigil-test");
    }

    @Test
    void theInjectedInstallerRunsOnTheAgentsBackendAndMaps() throws Exception {
        KernelTestSupport.requireRoot();
        RecordingInstaller recording = new RecordingInstaller();
        AtomicReference<String> eventsAtUninstall = new AtomicReference<>();
        AtomicReference<LoadedSensors> seenSensors = new AtomicReference<>();
        // policy hooks write to the shared ring buffer: it must still be there when they come out
        PolicyInstaller inst = new PolicyInstaller() {
            @Override
            public Installed install(io.vigil.policy.TracingPolicy p, io.vigil.policy.PolicyMode m)
                    throws PolicyInstallException {
                return recording.install(p, m);
            }

            @Override
            public void uninstall(Installed i) {
                try {
                    Path fd = Path.of("/proc/self/fd/" + seenSensors.get().map("events").fd());
                    eventsAtUninstall.set(Files.exists(fd) ? Files.readSymbolicLink(fd).toString() : "closed");
                } catch (java.io.IOException e) {
                    eventsAtUninstall.set(e.toString());
                }
                recording.uninstall(i);
            }
        };
        AtomicReference<Backend> seenBackend = new AtomicReference<>();
        Agent agent = Agent.start(config(), List.of(), (backend, sensors, hooks) -> {
            seenBackend.set(backend);
            seenSensors.set(sensors);
            return inst;
        });
        try {
            assertSame(agent.backend(), seenBackend.get());
            assertTrue(seenSensors.get().sharedMaps().keySet().containsAll(List.of("events", "execve_map")),
                    seenSensors.get().sharedMaps().keySet().toString());
            Path f = Files.writeString(dir.resolve("a.yaml"), PolicyManagerTest.policy("a", "sys_openat"));
            assertEquals(List.of(), agent.policies().orElseThrow().applyFile(f, PolicyManager.Origin.DIRECTORY));
            JsonNode p = agent.status().get("policies");
            assertEquals(1, p.get("running").asInt(), p.toString());
            assertEquals("a", p.get("policies").get(0).get("name").asText());
        } finally {
            agent.close();
        }
        assertEquals(List.of(), recording.live, "closing the agent uninstalls its policies");
        assertEquals("anon_inode:bpf-map", eventsAtUninstall.get(), "policies come out before the sensors' maps close");
    }

    @Test
    void withoutAFactoryThereAreNoPolicies() throws Exception {
        KernelTestSupport.requireRoot();
        try (Agent agent = Agent.start(config(), List.of())) {
            assertTrue(agent.policies().isEmpty());
            assertFalse(agent.status().has("policies"));
        }
    }
}

package io.vigil.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.policy.runtime.KernelPolicyInstaller;
import io.vigil.agent.policy.runtime.PolicyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/** What the end-to-end policy kernel tests share: the agent with the kernel installer, waits, triggers. */
public final class PolicyKernelTests {
    /** How long an expected event may take (the VM emulates its CPU). */
    public static final Duration WAIT = Duration.ofSeconds(Boolean.getBoolean("vigil.test.vm") ? 120 : 10);
    /** How long a near miss is given to show up before it is called absent. */
    public static final Duration QUIET = Duration.ofSeconds(Boolean.getBoolean("vigil.test.vm") ? 6 : 2);

    private PolicyKernelTests() {}

    /** The agent on the test's backend, policies installed in the kernel, events into sink. */
    public static Agent startAgent(CapturingSink sink) throws Exception {
        KernelTestSupport.requireRoot();
        return Agent.start(AgentConfig.defaults().withBackend(KernelTestSupport.backend()).withNodeName("vigil-test"),
                List.of(sink), KernelPolicyInstaller.FACTORY);
    }

    /** Applies a policy file as the policy directory would; it must load. */
    public static void apply(Agent agent, Path policy) {
        assertEquals(List.of(), agent.policies().orElseThrow().applyFile(policy, PolicyManager.Origin.DIRECTORY));
    }

    /**
     * Writes a TracingPolicy (name, policy-mode, one spec section such as "kprobes" with its hooks as
     * YAML from column 0) into dir and applies it; it must load.
     */
    public static void apply(Agent agent, Path dir, String name, String mode, String section, String hooks) throws Exception {
        String yaml = """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "%s"
                spec:
                  options:
                  - name: "policy-mode"
                    value: "%s"
                  %s:
                """.formatted(name, mode, section) + hooks.indent(2);
        apply(agent, Files.writeString(dir.resolve(name + ".yaml"), yaml));
    }

    /** A copy of a binary (mode kept) in dir, so that a policy can name it apart from the original; its real path. */
    public static Path copy(Path dir, String from, String name) throws IOException {
        Path to = dir.resolve(name);
        Files.copy(Path.of(from), to, StandardCopyOption.COPY_ATTRIBUTES);
        return to.toRealPath();
    }

    /** Runs a command to its end (exit 0, stdout discarded); its pid. */
    public static long run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor(), String.join(" ", cmd));
        return p.pid();
    }

    /** Runs a bash script to its end (exit 0, else its output is the failure message); its pid. */
    public static long bash(String script) throws Exception {
        return exec(List.of("/bin/bash", "-c", script));
    }

    /** Runs a python3 program to its end (exit 0); its pid. */
    public static long python(String program) throws Exception {
        return exec(List.of("python3", "-c", program));
    }

    /** Runs cmd to its end (exit 0, else its output is the failure message); its pid. */
    public static long exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), cmd + " failed: " + out);
        return p.pid();
    }
}

package io.vigil.agent.kernel;

import io.vigil.agent.Agent;
import io.vigil.agent.policy.runtime.PolicyManager;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle the end-to-end policy kernel tests share, as a JUnit 5 extension on a static field:
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final PolicyAgent agent = new PolicyAgent();
 *   static final PolicyEvents events = agent.events();
 * </pre>
 *
 * One agent with the kernel installer for the class (started before the class's own {@code @BeforeAll},
 * stopped after its {@code @AfterAll}), its events captured from the start; every policy deleted
 * after each test, so the next one starts with none. Test files and policy files go in a
 * {@code @TempDir(factory = ShmTempDirs.class)}.
 */
public final class PolicyAgent implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    private final CapturingSink sink = new CapturingSink();
    private final PolicyEvents events = new PolicyEvents(sink);
    private Agent agent;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        agent = PolicyKernelTests.startAgent(sink);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (agent != null) {
            PolicyManager pm = agent.policies().orElseThrow();
            pm.list().forEach(s -> pm.delete(s.name()));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    /** The running agent. */
    public Agent agent() {
        if (agent == null) {
            throw new IllegalStateException("the agent runs from the class's start to its end");
        }
        return agent;
    }

    /** The agent's policy manager (present: the agent runs with the kernel installer). */
    public Optional<PolicyManager> policies() {
        return agent().policies();
    }

    /** The policies' events as the agent writes them. */
    public PolicyEvents events() {
        return events;
    }

    /** Every event the agent emitted, policy events or not. */
    public CapturingSink sink() {
        return sink;
    }

    /** {@link PolicyKernelTests#apply(Agent, Path, String, String, String, String)} on this agent; it must load. */
    public void apply(Path dir, String name, String mode, String section, String hooks) throws Exception {
        PolicyKernelTests.apply(agent(), dir, name, mode, section, hooks);
    }
}

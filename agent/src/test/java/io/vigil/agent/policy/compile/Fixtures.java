package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.agent.policy.plan.FakeHosts;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.bpf.Backend;
import io.vigil.policy.LoadResult;
import io.vigil.policy.NamespaceType;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.TracingPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A fake kernel for the planner (which tracepoints exist, their formats) and a fixed compile context. */
final class Fixtures {
    private Fixtures() {}

    static final Set<String> SYSCALLS = Set.of("openat", "read", "write", "connect");

    static HookPlanner planner(Backend backend) {
        return new HookPlanner(backend, FakeHosts.x86());
    }

    /** Hook ids from 100; bit 0 taken by another policy; the host's mnt and net namespaces. */
    static final CompileContext CONTEXT = new CompileContext(100, 0b1,
            Map.of(NamespaceType.MNT, 4026531841L, NamespaceType.NET, 4026531840L), SyscallTable.forArch("x86_64"));

    static TracingPolicy policy(String resource) {
        return parse(read("/compile/" + resource), Path.of("compile/" + resource));
    }

    static TracingPolicy parse(String yaml, Path file) {
        LoadResult r = PolicyLoader.loadText(yaml, file);
        assertTrue(r.ok(), () -> "test policy does not load: " + r.errors());
        return r.policies().get(0);
    }

    static CompiledPolicy compile(TracingPolicy p, Backend backend) throws PolicyRejectedException {
        List<HookPlan> plans = planner(backend).plan(p).hooks();
        return PolicyCompiler.compile(p, plans, CONTEXT);
    }

    static String read(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.compile.CompatibilityCollector.Outcome;
import io.vigil.agent.policy.compile.CompatibilityCollector.Status;
import io.vigil.agent.policy.plan.FakeHosts;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.bpf.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompatibilityCollectorTest {
    private static final String HEAD = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: "%s"
            spec:
            """;

    private static CompatibilityCollector fake() {
        Map<Backend, HookPlanner> planners = new LinkedHashMap<>();
        planners.put(Backend.TRACEPOINT, new HookPlanner(Backend.TRACEPOINT, FakeHosts.x86()));
        planners.put(Backend.KPROBE, new HookPlanner(Backend.KPROBE, FakeHosts.x86()));
        return new CompatibilityCollector(planners, Fixtures.CONTEXT);
    }

    @Test
    void eachFileOnEachBackendWithItsReason(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a-syscall.yaml"), HEAD.formatted("a") + "  kprobes:\n  - call: \"sys_openat\"\n");
        Files.writeString(dir.resolve("b-function.yaml"), HEAD.formatted("b")
                + "  kprobes:\n  - call: \"commit_creds\"\n    syscall: false\n");
        Files.writeString(dir.resolve("c-broken.yaml"), HEAD.formatted("c") + "  kprobes:\n  - call: \"sys_openat\"\n    bogus: 1\n");
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/unsupported.yml"), HEAD.formatted("d") + """
                  kprobes:
                  - call: "sys_openat"
                    selectors:
                    - matchNamespaceChanges:
                      - operator: In
                        values: ["mnt"]
                """);
        List<Outcome> out = fake().collect(dir);
        Map<String, List<Status>> got = out.stream().collect(Collectors.groupingBy(o -> dir.relativize(o.file()).toString(),
                LinkedHashMap::new, Collectors.mapping(Outcome::status, Collectors.toList())));
        assertEquals(Map.of(
                "a-syscall.yaml", List.of(Status.COMPILES, Status.COMPILES),
                "b-function.yaml", List.of(Status.HOOK_NOT_SERVED, Status.COMPILES),
                "c-broken.yaml", List.of(Status.DOES_NOT_LOAD, Status.DOES_NOT_LOAD),
                "d/unsupported.yml", List.of(Status.UNSUPPORTED, Status.UNSUPPORTED)), got);
        String md = CompatibilityCollector.markdown(out, dir);
        assertTrue(md.contains("| tracepoint | 4 | 0 | 1 | 0 | 1 | 1 | 1 |"), md);
        assertTrue(md.contains("| kprobe | 4 | 0 | 2 | 0 | 1 | 0 | 1 |"), md);
        assertTrue(md.contains("| b-function.yaml | hook not served | compiles (1 hooks) | tracepoint: b-function.yaml:1:1:"
                + " spec.kprobes[0].call: commit_creds: this kernel refuses kprobes"), md);
        assertTrue(md.contains("matchNamespaceChanges: not supported yet"), md);
    }

    @Test
    void whatCompilesIsLoadedWhereALoaderIsGivenAndTheKernelsVerdictIsReported(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), HEAD.formatted("a") + "  kprobes:\n  - call: \"sys_openat\"\n");
        Files.writeString(dir.resolve("b.yaml"), HEAD.formatted("b") + "  kprobes:\n  - call: \"sys_read\"\n");
        Files.writeString(dir.resolve("c.yaml"), HEAD.formatted("c") + "  kprobes:\n  - call: \"commit_creds\"\n    syscall: false\n");
        Map<Backend, HookPlanner> planners = Map.of(Backend.TRACEPOINT, new HookPlanner(Backend.TRACEPOINT, FakeHosts.x86()));
        List<String> tried = new java.util.ArrayList<>();
        CompatibilityCollector.KernelLoader loader = compiled -> {
            tried.add(compiled.get(0).policyName());
            return compiled.get(0).policyName().equals("b") ? java.util.Optional.of("invalid argument") : java.util.Optional.empty();
        };
        List<Outcome> out = new CompatibilityCollector(planners, Fixtures.CONTEXT, Map.of(Backend.TRACEPOINT, loader)).collect(dir);
        assertEquals(List.of(Status.LOADS, Status.LOAD_FAILS, Status.HOOK_NOT_SERVED), out.stream().map(Outcome::status).toList());
        assertEquals(List.of("a", "b"), tried, "only what compiles goes to the kernel");
        assertEquals(List.of("invalid argument"), out.get(1).reasons());
        assertEquals(List.of(1, 2), java.util.Arrays.stream(CompatibilityCollector.servable(out, Backend.TRACEPOINT)).boxed().toList());
        String md = CompatibilityCollector.markdown(out, dir);
        assertTrue(md.contains("| a.yaml | loads (1 hooks) |"), md);
        assertTrue(md.contains("| b.yaml | kernel refuses | tracepoint: invalid argument |"), md);
    }

    /** Tetragon's published examples, read in place from shared/ beside the project. */
    @Test
    void tetragonExamplesAllAccountedFor() throws Exception {
        Path dir = Path.of(System.getProperty("vigil.tetragonExamples", "../../shared/tetragon-examples"));
        assertTrue(Files.isDirectory(dir), "Tetragon's examples are not at " + dir.toAbsolutePath()
                + " (shared/tetragon-examples beside the project)");
        long files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).count();
        }
        List<Outcome> out = fake().collect(dir);
        assertEquals(2 * files, out.size());
        for (Outcome o : out) {
            assertFalse(o.status() != Status.COMPILES && o.status() != Status.LOADS && o.reasons().isEmpty(),
                    () -> o + " has no reason");
        }
        System.out.println(CompatibilityCollector.markdown(out, dir).lines().limit(4).collect(Collectors.joining("\n")));
    }
}

package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static io.vigil.agent.kernel.PolicyKernelTests.QUIET;
import static io.vigil.agent.kernel.PolicyKernelTests.WAIT;
import static io.vigil.agent.kernel.PolicyKernelTests.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.api.Event;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.json.EventJsonWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `uprobes:` end to end, in Tetragon's uprobe.yaml shape: a uprobe on bash's exported `main`,
 * with matchBinaries to one copy of bash, gives process_uprobe (path, symbol) for that copy only.
 * Runs on every backend: uprobes need the uprobe PMU, which kernels without kprobes still have.
 */
@Tag("kernel")
class UprobeKernelTest {

    @TempDir
    Path tmp;

    @Test
    void uprobeOnMainFiresForTheNamedBinaryOnly() throws Exception {
        KernelTestSupport.requireRoot();
        Path bash = Path.of("/bin/bash").toRealPath();
        Path copy = tmp.resolve("vigil-uprobe-bash");
        Files.copy(bash, copy);
        copy.toFile().setExecutable(true);
        CapturingSink sink = new CapturingSink();
        try (Agent agent = PolicyKernelTests.startAgent(sink)) {
            // the uprobe is on the copy's file: the original bash, a different inode, is not probed at all;
            // matchBinaries then keeps a second, renamed copy of the same inode out
            Path policy = Files.writeString(tmp.resolve("uprobe.yaml"), """
                    apiVersion: cilium.io/v1alpha1
                    kind: TracingPolicy
                    metadata:
                      name: "uprobe"
                    spec:
                      uprobes:
                      - path: "%s"
                        symbols:
                        - "main"
                        message: "bash copy started"
                        selectors:
                        - matchBinaries:
                          - operator: "In"
                            values: ["%s"]
                    """.formatted(copy, copy));
            PolicyKernelTests.apply(agent, policy);
            Path link = tmp.resolve("other-name");
            Files.createLink(link, copy);   // same inode, so probed; another path, so matchBinaries says no
            long hit = run(copy.toString(), "-c", "true");
            long otherPath = run(link.toString(), "-c", "true");
            long original = run(bash.toString(), "-c", "true");

            List<Event> got = sink.await(of(hit), 1, WAIT);
            assertFalse(got.isEmpty(), "no process_uprobe for the copy of bash");
            ProcessUprobe u = (ProcessUprobe) got.get(0).body();
            assertEquals(copy.toString(), u.path());
            assertEquals("main", u.symbol());
            assertEquals("uprobe", u.policyName());
            assertEquals("bash copy started", u.message());
            assertTrue(new EventJsonWriter().toJson(got.get(0)).startsWith("{\"process_uprobe\":{"));
            Thread.sleep(QUIET.toMillis());
            assertEquals(1, sink.matching(of(hit)).size(), "main runs once");
            assertTrue(sink.matching(of(otherPath)).isEmpty(), "matchBinaries let another path through");
            assertTrue(sink.matching(of(original)).isEmpty(), "the original bash fired");
        }
    }


    private static Predicate<Event> of(long pid) {
        return e -> e.body() instanceof ProcessUprobe u && u.process().pid() == pid;
    }
}

package io.vigil.agent.policy.runtime;

import static io.vigil.agent.kernel.PolicyKernelTests.QUIET;
import static io.vigil.agent.kernel.PolicyKernelTests.WAIT;
import static io.vigil.agent.kernel.PolicyKernelTests.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.agent.kernel.ShmTempDirs;
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.ProcessLsm;
import io.vigil.api.json.EventJsonWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `lsmhooks:` end to end, in Tetragon's lsm_file_open.yaml shape (matchBinaries + a file Prefix):
 * process_lsm events with function_name the hook, for the watched directory and the named binary
 * only. On the tracepoint backend the hook runs on the open syscalls' tracepoints
 * (TracepointEquivalents); on the kprobe backend as a kprobe on security_file_open.
 */
@Tag("kernel")
class LsmHooksKernelTest {

    /** tmpfs: on overlayfs (the VM's /tmp) security_file_open runs twice per open, overlay and backing file */
    @TempDir(factory = ShmTempDirs.class)
    Path tmp;

    @Test
    void fileOpenPostsProcessLsmForTheNamedBinaryUnderTheWatchedDirectory() throws Exception {
        KernelTestSupport.requireRoot();
        Path watched = Files.createDirectories(tmp.resolve("watched")).toRealPath();
        Path other = Files.createDirectories(tmp.resolve("other")).toRealPath();
        Files.writeString(watched.resolve("f"), "x\n");
        Files.writeString(other.resolve("f"), "x\n");
        String cat = Path.of("/bin/cat").toRealPath().toString();
        CapturingSink sink = new CapturingSink();
        try (Agent agent = PolicyKernelTests.startAgent(sink)) {
            Path policy = Files.writeString(tmp.resolve("lsm.yaml"), """
                    apiVersion: cilium.io/v1alpha1
                    kind: TracingPolicy
                    metadata:
                      name: "lsm-file-open"
                    spec:
                      options:
                      - name: "disable-fanotify-observe"   # the BPF hook is what this test checks (FileObserveKernelTest: fanotify)
                        value: "true"
                      lsmhooks:
                      - hook: "file_open"
                        args:
                          - index: 0
                            type: "file"
                        selectors:
                        - matchBinaries:
                          - operator: "In"
                            values: ["%s"]
                          matchArgs:
                          - index: 0
                            operator: "Prefix"
                            values: ["%s/"]
                    """.formatted(cat, watched));
            PolicyKernelTests.apply(agent, policy);
            long hit = run("/bin/cat", watched.resolve("f").toString());
            long otherDir = run("/bin/cat", other.resolve("f").toString());
            long otherBinary = run("/bin/head", "-c1", watched.resolve("f").toString());

            List<Event> got = sink.await(lsmOf(hit), 1, WAIT);
            assertFalse(got.isEmpty(), "no process_lsm for cat in the watched directory; saw:\n" + all(sink));
            ProcessLsm e = (ProcessLsm) got.get(0).body();
            assertEquals("file_open", e.functionName());
            assertEquals("lsm-file-open", e.policyName());
            assertEquals(watched.resolve("f").toString(), ((ArgValue.FileArg) e.args().get(0).value()).path(),
                    new EventJsonWriter().toJson(got.get(0)));
            assertTrue(new EventJsonWriter().toJson(got.get(0)).startsWith("{\"process_lsm\":{"));
            Thread.sleep(QUIET.toMillis());
            assertEquals(1, sink.matching(lsmOf(hit)).size(), "one open, one event:\n" + all(sink));
            assertTrue(sink.matching(lsmOf(otherDir)).isEmpty(), "cat outside the directory fired:\n" + all(sink));
            assertTrue(sink.matching(lsmOf(otherBinary)).isEmpty(), "another binary fired:\n" + all(sink));
        }
    }


    private static Predicate<Event> lsmOf(long pid) {
        return e -> e.body() instanceof ProcessLsm l && l.process().pid() == pid;
    }

    private static String all(CapturingSink sink) {
        EventJsonWriter w = new EventJsonWriter();
        return sink.matching(e -> e.body() instanceof ProcessLsm).stream().map(w::toJson).collect(Collectors.joining("\n"));
    }
}

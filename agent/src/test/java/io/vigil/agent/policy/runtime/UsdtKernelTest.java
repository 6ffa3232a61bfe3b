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
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessUsdt;
import io.vigil.api.json.EventJsonWriter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `usdts:` end to end, in Tetragon's usdt.yaml shape: a program built here from
 * resources/usdt/vigil_usdt.c has DTRACE_PROBE2(vigiltest, probe2, int, long); a policy reads both
 * arguments (int32, int64) and keeps arg 0 == 4242 only. The matching run gives one process_usdt
 * with both values, the other run none, and a second binary with the same probe is not probed.
 * Runs on every backend: USDTs are uprobes, which kernels without kprobes still have.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only: the same path on each
class UsdtKernelTest {

    @TempDir
    Path tmp;

    @Test
    void usdtArgumentsAreReadAndFiltered() throws Exception {
        KernelTestSupport.requireRoot();
        Path probed = compile("vigil-usdt");
        Path other = compile("vigil-usdt-other");
        CapturingSink sink = new CapturingSink();
        try (Agent agent = PolicyKernelTests.startAgent(sink)) {
            Path policy = Files.writeString(tmp.resolve("usdt.yaml"), """
                    apiVersion: cilium.io/v1alpha1
                    kind: TracingPolicy
                    metadata:
                      name: "usdts"
                    spec:
                      usdts:
                      - path: "%s"
                        provider: "vigiltest"
                        name: "probe2"
                        message: "probe2 fired"
                        args:
                        - index: 0
                          type: "int32"
                        - index: 1
                          type: "int64"
                        selectors:
                        - matchArgs:
                          - index: 0
                            operator: "Equal"
                            values: ["4242"]
                    """.formatted(probed));
            PolicyKernelTests.apply(agent, policy);
            long hit = run(probed.toString(), "4242");
            long miss = run(probed.toString(), "777");
            long unrelated = run(other.toString(), "4242");   // same probe, another file: not attached

            List<Event> got = sink.await(of(hit), 1, WAIT);
            assertFalse(got.isEmpty(), "no process_usdt for arg 0 == 4242");
            ProcessUsdt u = (ProcessUsdt) got.get(0).body();
            assertEquals(probed.toString(), u.path());
            assertEquals("vigiltest", u.provider());
            assertEquals("probe2", u.name());
            assertEquals("usdts", u.policyName());
            assertEquals("probe2 fired", u.message());
            assertEquals(List.of(new ArgValue.IntArg(4242), new ArgValue.LongArg(4242L * 1000000007L)),
                    u.args().stream().map(KprobeArgument::value).toList());
            String json = new EventJsonWriter().toJson(got.get(0));
            assertTrue(json.startsWith("{\"process_usdt\":{"), json);
            assertTrue(json.contains("\"provider\":\"vigiltest\",\"name\":\"probe2\""), json);
            Thread.sleep(QUIET.toMillis());
            assertEquals(1, sink.matching(of(hit)).size(), "the probe fires once");
            assertTrue(sink.matching(of(miss)).isEmpty(), "matchArgs Equal 4242 let 777 through");
            assertTrue(sink.matching(of(unrelated)).isEmpty(), "a binary without the hook was reported");
        }
    }

    /** Builds the probe site into tmp/NAME (each name its own file, so its own inode). */
    private Path compile(String name) throws Exception {
        Path src = tmp.resolve(name + ".c");
        try (InputStream in = UsdtKernelTest.class.getResourceAsStream("/usdt/vigil_usdt.c")) {
            Files.copy(in, src);
        }
        Path bin = tmp.resolve(name);
        Process cc = new ProcessBuilder("cc", "-O2", "-o", bin.toString(), src.toString()).redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), "cc " + src + " (needs <sys/sdt.h>: apt-get install systemtap-sdt-dev): " + out);
        return bin;
    }

    private static Predicate<Event> of(long pid) {
        return e -> e.body() instanceof ProcessUsdt u && u.process().pid() == pid;
    }
}

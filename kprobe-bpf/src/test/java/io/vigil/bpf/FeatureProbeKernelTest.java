package io.vigil.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.internal.KernelFacts;
import io.vigil.bpf.internal.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The feature probe against the running kernel. */
@Tag("kernel")
class FeatureProbeKernelTest {

    @BeforeAll
    static void root() {
        KernelTests.assumeRoot();
    }

    @Test
    void probesThisKernel() throws IOException {
        Native.libbpf(); // bind libbpf first: the timing below is the probe's own
        long t0 = System.nanoTime();
        ProbeReport r = FeatureProbe.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.err.println("FeatureProbeKernelTest: probe took " + ms + " ms\n" + r);
        String table = r.toTable();

        assertEquals(Feature.values().length, r.results().size(), table);
        for (Feature f : List.of(Feature.TRACEPOINT, Feature.TP_BTF, Feature.RAW_TP, Feature.CGROUP_SOCK_ADDR,
                Feature.CGROUP_SKB)) {
            assertTrue(r.supported(f), f + " should work on any kernel Vigil supports:\n" + table);
            assertEquals("ok", r.reason(f));
        }
        assertEquals(KernelFacts.hasKprobePmu(), r.supported(Feature.KPROBE), "kprobe support follows the kprobe PMU:\n" + table);

        Backend expected = KernelTests.expectedBackend();
        assertEquals(expected, r.choose(), table);
        if (expected == Backend.TRACEPOINT) {
            // this sandbox's kernel: fentry/fexit/LSM refused at load, no kprobes
            for (Feature f : List.of(Feature.FENTRY, Feature.FEXIT, Feature.LSM)) {
                assertFalse(r.supported(f), table);
                assertEquals("EPERM at load", r.reason(f), table);
            }
            assertFalse(r.supported(Feature.KPROBE), table);
            assertEquals("no kprobe PMU: ENOENT at attach", r.reason(Feature.KPROBE), table);
        }
        // the probe's duration is printed above, not asserted: timing belongs in bench/

        // nothing left behind: this JVM's temporary cgroup is gone (other processes may be probing now),
        // and so are those of processes that died mid-probe
        Path root = FeatureProbe.cgroup2Root();
        String mine = "vigil-probe-" + ProcessHandle.current().pid() + "-";
        try (Stream<Path> s = Files.list(root)) {
            List<Path> left = s.filter(p -> p.getFileName().toString().startsWith("vigil-probe-"))
                    .filter(p -> p.getFileName().toString().startsWith(mine)
                            || ProcessHandle.of(Long.parseLong(p.getFileName().toString().split("-")[2])).isEmpty())
                    .collect(Collectors.toList());
            assertTrue(left.isEmpty(), "probe cgroups left behind: " + left);
        }
    }

    @Test
    void probesASubset() {
        ProbeReport r = FeatureProbe.run(java.util.EnumSet.of(Feature.RAW_TP, Feature.FANOTIFY_PERM));
        assertEquals(2, r.results().size());
        assertTrue(r.supported(Feature.RAW_TP), r.toTable());
        assertTrue(r.supported(Feature.FANOTIFY_PERM), r.toTable());
        assertEquals("not probed", r.reason(Feature.TCX));
    }
}

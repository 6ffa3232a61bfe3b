package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.fanotify.bench.OpenLatencyBench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The benchmark runs and measures what it says (every marked open went to the guard); timing is only printed. */
@Tag("kernel")
class OpenLatencyBenchKernelTest {
    @Test
    void everyMarkedOpenIsARequestAndTimesArePrinted() throws Exception {
        KernelFixture.assumeRoot();
        OpenLatencyBench.Result r = OpenLatencyBench.measure(2000);
        System.out.println("OpenLatencyBench: " + r);
        assertEquals(2000, r.requests(), r.toString());
        assertTrue(r.unmarkedNanos() > 0 && r.markedNanos() > 0, r.toString());
    }
}

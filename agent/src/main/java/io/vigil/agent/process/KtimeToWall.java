package io.vigil.agent.process;

import java.time.Instant;

/** Converts the sensors' boot-clock nanoseconds (bpf_ktime_get_boot_ns) to wall-clock time. */
@FunctionalInterface
public interface KtimeToWall {
    Instant toInstant(long bootNs);
}

package io.vigil.exporters.file;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.LongSupplier;

/** One clock for tests: monotonic nanos and wall time advance together, only when told to. */
final class FakeClock implements InstantSource, LongSupplier {
    private long nanos = 1_000_000_000L;
    private Instant wall = Instant.parse("2026-12-05T12:00:00Z");

    void advance(Duration d) {
        nanos += d.toNanos();
        wall = wall.plus(d);
    }

    @Override
    public Instant instant() {
        return wall;
    }

    @Override
    public long getAsLong() {
        return nanos;
    }
}

package io.vigil.exporters.remote;

/** Waits; injected so that tests of retries and back-off never really sleep. */
@FunctionalInterface
public interface Sleeper {

    /** Sleeps {@code nanos}; an interrupt (a closing exporter) ends the wait early by throwing. */
    void sleep(long nanos) throws InterruptedException;

    Sleeper SYSTEM = nanos -> {
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };
}

package io.vigil.exporters.remote;

import java.util.Objects;

/**
 * Whether the receiver failed its latest attempt: written by the sender thread, read by the pipeline's
 * ({@link SpoolingExporter} spools while it is down). Set at the first failed attempt, so the exporter
 * knows while {@link RetryingSender} is still backing off inside {@code send}, not only once the
 * retries ran out; cleared when the receiver answers a batch.
 */
final class ReceiverState {
    private volatile boolean down;

    void failed() {
        down = true;
    }

    void answered() {
        down = false;
    }

    boolean isDown() {
        return down;
    }

    /** {@code listener}, plus: each failed attempt the retrying sender reports marks the receiver down. */
    RetryingSender.Listener watching(RetryingSender.Listener listener) {
        Objects.requireNonNull(listener, "listener");
        return new RetryingSender.Listener() {
            @Override
            public void retrying(String sender, int attempt, long delayNanos, SendException.Retriable cause) {
                failed();
                listener.retrying(sender, attempt, delayNanos, cause);
            }

            @Override
            public void deadLettered(String sender, int records, SendException.Fatal cause) {
                listener.deadLettered(sender, records, cause);
            }
        };
    }
}

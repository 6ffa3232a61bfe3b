package io.vigil.exporters.remote;

import java.util.List;

/**
 * Where a batch goes that its receiver refused for good ({@link SendException.Fatal}): counted,
 * reported, and kept (in a file, see {@link DeadLetterFile}) so an operator can look at it and
 * replay it once the cause is fixed. Never retried by the exporter.
 */
public interface DeadLetters extends AutoCloseable {

    /** Takes a refused batch; must not throw (a dead-letter store that fails only counts). */
    void accept(String sender, List<Record> batch, SendException.Fatal cause);

    /** Records dead-lettered so far. */
    long count();

    @Override
    default void close() {
    }

    /** Only counts: for receivers whose refusals are not worth keeping, and for tests. */
    static DeadLetters counting() {
        return new DeadLetters() {
            private final java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();

            @Override
            public void accept(String sender, List<Record> batch, SendException.Fatal cause) {
                n.addAndGet(batch.size());
            }

            @Override
            public long count() {
                return n.get();
            }
        };
    }
}

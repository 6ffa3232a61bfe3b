package io.vigil.api;

/**
 * Where events go (a file, stdout, a network exporter). Called from one thread, the pipeline's
 * sink thread. Failures are unchecked ({@link java.io.UncheckedIOException} for I/O): the caller
 * counts them and carries on with the next event.
 */
public interface EventSink extends AutoCloseable {

    /** Takes one event; may buffer it. */
    void accept(Event event);

    /** Makes every event accepted so far durable or visible (writes buffers out). */
    void flush();

    /** Flushes and releases resources. Idempotent. */
    @Override
    void close();
}

package io.vigil.exporters.remote;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Retries a {@link RecordSender} (a decorator, as elasticsearch-java's {@code RetryingHttpClient}):
 *
 * <ul>
 *   <li>{@link SendException.Retriable}: waits the next delay of the {@link Backoff} and sends the same
 *       batch again; when the back-off has no delay left, rethrows the last failure (the caller keeps
 *       the batch: the spooling exporter holds it, and spools what arrives meanwhile).</li>
 *   <li>{@link SendException.Fatal}, or a {@link RuntimeException} from the sender (a bug must not
 *       loop forever either): the batch goes to the {@link DeadLetters}, the listener is told, and
 *       {@code send} returns normally: the batch is done with, never retried.</li>
 *   <li>An interrupt during a wait (the exporter is closing) ends the retries with a Retriable.</li>
 * </ul>
 *
 * Time is injected: the {@link Sleeper} waits and the clock measures how long the receiver has been
 * failing, so tests run without real sleeps. Used from one thread, like every sender.
 */
public final class RetryingSender implements RecordSender {

    /** What the agent turns into log lines, metrics or events. Called on the sender thread. */
    public interface Listener {
        default void retrying(String sender, int attempt, long delayNanos, SendException.Retriable cause) {
        }

        default void deadLettered(String sender, int records, SendException.Fatal cause) {
        }

        Listener NONE = new Listener() {
        };
    }

    private final RecordSender delegate;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final LongSupplier nanoClock;
    private final DeadLetters deadLetters;
    private final Listener listener;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong exhausted = new AtomicLong();
    private final AtomicLong fatalBatches = new AtomicLong();
    private final AtomicLong sentRecords = new AtomicLong();
    private volatile long failingSinceNanos;
    private volatile boolean failing;

    public RetryingSender(RecordSender delegate, Backoff backoff, Sleeper sleeper, LongSupplier nanoClock,
                          DeadLetters deadLetters, Listener listener) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.listener = Objects.requireNonNullElse(listener, Listener.NONE);
    }

    @Override
    public void send(List<Record> batch) throws SendException.Retriable {
        Iterator<Long> delays = backoff.iterator();
        int attempt = 0;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new SendException.Retriable(name() + ": interrupted before attempt " + (attempt + 1), null);
            }
            try {
                delegate.send(batch);
                sentRecords.addAndGet(batch.size());
                failing = false;
                return;
            } catch (SendException.Retriable e) {
                if (!failing) {
                    failing = true;
                    failingSinceNanos = nanoClock.getAsLong();
                }
                if (!delays.hasNext()) {
                    exhausted.incrementAndGet();
                    throw e;
                }
                long delay = delays.next();
                attempt++;
                retries.incrementAndGet();
                listener.retrying(name(), attempt, delay, e);
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SendException.Retriable(name() + ": interrupted while backing off after: "
                            + e.getMessage(), e);
                }
            } catch (SendException.Fatal e) {
                deadLetter(batch, e);
                return;
            } catch (SendException e) {
                throw new AssertionError("SendException is sealed: Retriable or Fatal", e);
            } catch (RuntimeException e) {
                deadLetter(batch, new SendException.Fatal(delegate.name() + " threw " + e, e));
                return;
            }
        }
    }

    private void deadLetter(List<Record> batch, SendException.Fatal e) {
        fatalBatches.incrementAndGet();
        failing = false;
        deadLetters.accept(name(), batch, e);
        listener.deadLettered(name(), batch.size(), e);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** Retries made (each one a wait and a new attempt). */
    public long retries() {
        return retries.get();
    }

    /** Times the back-off ran out and a Retriable went to the caller. */
    public long exhausted() {
        return exhausted.get();
    }

    /** Batches refused for good and dead-lettered. */
    public long fatalBatches() {
        return fatalBatches.get();
    }

    /** Records the receiver accepted. */
    public long sentRecords() {
        return sentRecords.get();
    }

    /** How long the receiver has been failing, 0 when its last attempt succeeded. */
    public long failingForNanos() {
        return failing ? nanoClock.getAsLong() - failingSinceNanos : 0;
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            deadLetters.close();
        }
    }
}

package io.vigil.exporters.remote;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long to wait before each retry: exponential with a cap and "full jitter" (the delay before retry
 * {@code n}, counted from 0, is uniform in {@code [0, min(max, initial * multiplier^n)]}), as in the
 * AWS architecture blog's "Exponential Backoff And Jitter" and Kafka's {@code ExponentialBackoff}.
 * Full jitter spreads the retries of many agents that lost the same receiver at the same moment.
 *
 * <p>A value: {@link #iterator()} starts a new sequence of delays (one per retry, at most
 * {@code maxRetries} of them; {@link #UNLIMITED} never ends), so one Backoff serves every batch.
 * The randomness is injected; {@link #ceilingNanos(int)} gives the jitter-free bound for tests.
 *
 * @param initial    the ceiling of the first delay
 * @param max        the largest ceiling (the cap)
 * @param multiplier how much the ceiling grows per retry (&gt;= 1)
 * @param maxRetries how many delays a sequence yields; {@link #UNLIMITED} for no limit
 * @param random     where the jitter comes from
 */
public record Backoff(Duration initial, Duration max, double multiplier, int maxRetries, RandomGenerator random)
        implements Iterable<Long> {

    public static final int UNLIMITED = Integer.MAX_VALUE;

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(random, "random");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be > 0, not " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max (" + max + ") must be >= initial (" + initial + ")");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1, not " + multiplier);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, not " + maxRetries);
        }
    }

    /** 100 ms doubling up to 30 s, retried without end: what the exporters use unless told otherwise. */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, UNLIMITED, RandomGenerator.getDefault());
    }

    public Backoff withMaxRetries(int n) {
        return new Backoff(initial, max, multiplier, n, random);
    }

    public Backoff withRandom(RandomGenerator r) {
        return new Backoff(initial, max, multiplier, maxRetries, r);
    }

    /** The upper bound of the delay before retry {@code attempt} (0-based): {@code min(max, initial * multiplier^attempt)}. */
    public long ceilingNanos(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, not " + attempt);
        }
        double c = initial.toNanos() * Math.pow(multiplier, attempt); // Infinity past the double range: capped below
        long cap = max.toNanos();
        return c >= cap ? cap : (long) c;
    }

    /** A fresh sequence of delays in nanoseconds, each uniform in {@code [0, ceilingNanos(n)]}. */
    @Override
    public Iterator<Long> iterator() {
        return new Delays();
    }

    private final class Delays implements Iterator<Long> {
        private int attempt;

        @Override
        public boolean hasNext() {
            return attempt < maxRetries;
        }

        @Override
        public Long next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no retry left after " + maxRetries);
            }
            long ceiling = ceilingNanos(attempt);
            attempt = attempt == Integer.MAX_VALUE - 1 ? attempt : attempt + 1;
            return ceiling == 0 ? 0 : random.nextLong(ceiling + 1);
        }
    }
}

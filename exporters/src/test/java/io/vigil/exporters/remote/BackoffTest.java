package io.vigil.exporters.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final long MS = 1_000_000L;

    private static Backoff backoff(int maxRetries, long seed) {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, maxRetries, new Random(seed));
    }

    @Test
    void ceilingsGrowExponentiallyUpToTheCap() {
        Backoff b = backoff(10, 1);
        assertEquals(List.of(100 * MS, 200 * MS, 400 * MS, 800 * MS, 1600 * MS, 2000 * MS, 2000 * MS),
                List.of(b.ceilingNanos(0), b.ceilingNanos(1), b.ceilingNanos(2), b.ceilingNanos(3),
                        b.ceilingNanos(4), b.ceilingNanos(5), b.ceilingNanos(6)));
        assertEquals(2000 * MS, b.ceilingNanos(5000), "a huge attempt number stays at the cap, no overflow");
    }

    @Test
    void delaysAreFullJitterUnderEachCeilingAndVary() {
        Backoff b = backoff(Backoff.UNLIMITED, 42);
        Set<Long> seen = new HashSet<>();
        for (int run = 0; run < 50; run++) {
            int attempt = 0;
            for (Iterator<Long> it = b.iterator(); attempt < 8; attempt++) {
                long d = it.next();
                assertTrue(d >= 0 && d <= b.ceilingNanos(attempt), "delay " + d + " at attempt " + attempt);
                seen.add(d);
            }
        }
        assertTrue(seen.size() > 300, "jittered delays differ: " + seen.size() + " distinct of 400");
    }

    @Test
    void maxRetriesBoundsTheSequenceAndEachIteratorStartsAfresh() {
        Backoff b = backoff(3, 7);
        List<Long> first = new ArrayList<>();
        b.forEach(first::add);
        assertEquals(3, first.size());
        Iterator<Long> again = b.iterator();
        assertTrue(again.hasNext());
        long d = again.next();
        assertTrue(d <= b.ceilingNanos(0), "a new sequence starts at the first ceiling");
        again.next();
        again.next();
        assertFalse(again.hasNext());
        assertThrows(NoSuchElementException.class, again::next);
    }

    @Test
    void rejectsNonsense() {
        Random r = new Random();
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2, 1, r));
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 1, r));
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 1, r));
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, -1, r));
    }
}

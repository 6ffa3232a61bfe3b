package io.vigil.exporters.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SmallPartsTest {
    private static final long SEC = 1_000_000_000L;

    @Test
    void goDurations() {
        assertEquals(Duration.ZERO, GoDuration.parse("f", "0"));
        assertEquals(Duration.ofHours(24), GoDuration.parse("f", "24h"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("f", "1h30m"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("f", "1.5h"));
        assertEquals(Duration.ofMillis(1500), GoDuration.parse("f", "1s500ms"));
        for (String bad : new String[] {"", "1d", "h", "10", "1h 30m", "-1h"}) {
            assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("f", bad), bad);
        }
    }

    @Test
    void rotationPolicyDecisions() {
        RotationPolicy p = new RotationPolicy(1000, Duration.ofSeconds(10), 5, false);
        assertFalse(p.sizeExceeded(0, 5000), "an empty file takes any line");
        assertFalse(p.sizeExceeded(900, 100), "exactly full is allowed");
        assertTrue(p.sizeExceeded(900, 101));
        assertFalse(p.intervalElapsed(0, 10 * SEC - 1));
        assertTrue(p.intervalElapsed(0, 10 * SEC));
        assertFalse(RotationPolicy.none().sizeExceeded(1L << 40, 1));
        assertFalse(RotationPolicy.none().intervalElapsed(0, Long.MAX_VALUE));
    }

    @Test
    void rateLimiterRefillsContinuouslyAndReportsOncePerInterval() {
        AtomicLong now = new AtomicLong(0);
        RateLimiter r = new RateLimiter(60, now::get); // one a second, burst of 60
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            allowed += r.allow(now.get()) ? 1 : 0;
        }
        assertEquals(60, allowed);
        assertEquals(0, r.takeReport(now.get(), false), "not a minute yet");
        now.addAndGet(3 * SEC);
        assertTrue(r.allow(now.get()) && r.allow(now.get()) && r.allow(now.get()));
        assertFalse(r.allow(now.get()));
        now.addAndGet(60 * SEC);
        assertEquals(41, r.takeReport(now.get(), false));
        assertEquals(0, r.takeReport(now.get(), true), "nothing new to report");
    }

    @Test
    void permissionsParseOctal() {
        assertEquals("rw-------", PosixFilePermissions.toString(FilePermissions.parse("600")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(FilePermissions.parse("0644")));
        assertThrows(IllegalArgumentException.class, () -> FilePermissions.parse("1777"));
        assertThrows(IllegalArgumentException.class, () -> FilePermissions.parse("68"));
    }
}

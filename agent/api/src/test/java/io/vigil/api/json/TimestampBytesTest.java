package io.vigil.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampBytesTest {
    private static String format(TimestampBytes f, Instant t) {
        byte[] out = new byte[Rfc3339.MAX_LENGTH];
        return new String(out, 0, f.format(t, out), StandardCharsets.US_ASCII);
    }

    @Test
    void sameAsRfc3339WhetherTheSecondRepeatsOrNot() {
        TimestampBytes f = new TimestampBytes();
        Random r = new Random(7);
        long s = 1_712_000_000L;
        for (int i = 0; i < 100_000; i++) {
            switch (r.nextInt(4)) { // same second, next second, a jump back, far away
                case 0 -> { }
                case 1 -> s++;
                case 2 -> s -= r.nextInt(100);
                default -> s = r.nextLong(-62135596800L, 253402300800L);
            }
            int nano = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1_000;
                default -> r.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(s, nano);
            assertEquals(Rfc3339.format(t), format(f, t), t.toString());
        }
    }

    @Test
    void outOfProtojsonRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> format(new TimestampBytes(), Instant.ofEpochSecond(253402300800L)));
    }
}

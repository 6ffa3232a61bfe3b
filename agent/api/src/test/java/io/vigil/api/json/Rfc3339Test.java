package io.vigil.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

    @Test
    void tetragonExample() {
        assertEquals("2024-04-14T02:18:14.376304204Z", Rfc3339.format(Instant.parse("2024-04-14T02:18:14.376304204Z")));
    }

    @Test
    void fractionHasZeroThreeSixOrNineDigitsLikeProtojson() {
        assertEquals("2024-04-14T02:18:14Z", Rfc3339.format(Instant.parse("2024-04-14T02:18:14Z")));
        assertEquals("2024-04-14T02:18:14.300Z", Rfc3339.format(Instant.parse("2024-04-14T02:18:14.3Z")));
        assertEquals("2024-04-14T02:18:14.376300Z", Rfc3339.format(Instant.parse("2024-04-14T02:18:14.3763Z")));
        assertEquals("2024-04-14T02:18:14.376304200Z", Rfc3339.format(Instant.parse("2024-04-14T02:18:14.3763042Z")));
        assertEquals("2024-04-14T02:18:14.000000001Z", Rfc3339.format(Instant.parse("2024-04-14T02:18:14.000000001Z")));
    }

    @Test
    void edgesOfTheRange() {
        assertEquals("1970-01-01T00:00:00Z", Rfc3339.format(Instant.EPOCH));
        assertEquals("0001-01-01T00:00:00Z", Rfc3339.format(Instant.parse("0001-01-01T00:00:00Z")));
        assertEquals("9999-12-31T23:59:59.999999999Z", Rfc3339.format(Instant.parse("9999-12-31T23:59:59.999999999Z")));
        assertEquals("1969-12-31T23:59:59.999Z", Rfc3339.format(Instant.ofEpochSecond(-1, 999_000_000)));
        assertEquals("2000-02-29T12:00:00Z", Rfc3339.format(Instant.parse("2000-02-29T12:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> Rfc3339.format(Instant.parse("+10000-01-01T00:00:00Z")));
    }

    @Test
    void agreesWithJavaTimeOnRandomInstants() {
        DateTimeFormatter seconds = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(-62135596800L, 253402300800L), r.nextInt(1_000_000_000));
            String want = seconds.format(t);
            int nano = t.getNano();
            if (nano != 0) {
                String f = String.format("%09d", nano);
                f = f.endsWith("000000") ? f.substring(0, 3) : f.endsWith("000") ? f.substring(0, 6) : f;
                want += "." + f;
            }
            assertEquals(want + "Z", Rfc3339.format(t), t.toString());
        }
    }
}

package io.vigil.api.json;

import java.time.Instant;

/**
 * Timestamps as protojson writes {@code google.protobuf.Timestamp}, which is what Tetragon's JSON
 * carries: RFC 3339 in UTC with a {@code Z}, and 0, 3, 6 or 9 fractional digits, whichever is the
 * shortest exact form ({@code 2024-04-14T02:18:14.376304204Z}, {@code ...:14.376304Z},
 * {@code ...:14.376Z}, {@code ...:14Z}). protobuf-go formats with
 * {@code "2006-01-02T15:04:05.000000000"} and trims "000", "000", ".000" off the end
 * (encoding/protojson/well_known_types.go, marshalTimestamp).
 *
 * <p>Hand-rolled rather than {@link java.time.format.DateTimeFormatter}: this runs twice or more per
 * event and allocates nothing when given a buffer.
 */
public final class Rfc3339 {
    /** Longest output: {@code 9999-12-31T23:59:59.999999999Z}. */
    public static final int MAX_LENGTH = 30;

    private static final long MIN_SECOND = -62135596800L; // 0001-01-01T00:00:00Z, protojson's lower bound
    private static final long MAX_SECOND = 253402300799L; // 9999-12-31T23:59:59Z, its upper bound

    private Rfc3339() {
    }

    public static String format(Instant t) {
        char[] buf = new char[MAX_LENGTH];
        int n = format(t.getEpochSecond(), t.getNano(), buf, 0);
        return new String(buf, 0, n);
    }

    /**
     * Writes the timestamp into {@code out} at {@code off}; returns the number of chars written
     * (at most {@link #MAX_LENGTH}).
     *
     * @throws IllegalArgumentException outside years 1..9999, which protojson refuses too
     */
    public static int format(long epochSecond, int nano, char[] out, int off) {
        if (epochSecond < MIN_SECOND || epochSecond > MAX_SECOND || nano < 0 || nano > 999_999_999) {
            throw new IllegalArgumentException("timestamp out of range: " + epochSecond + "s " + nano + "ns");
        }
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        // civil_from_days, H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int doe = (int) (z - era * 146_097);
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));

        int p = off;
        p = digits(year, 4, out, p);
        out[p++] = '-';
        p = digits(month, 2, out, p);
        out[p++] = '-';
        p = digits(day, 2, out, p);
        out[p++] = 'T';
        p = digits(secOfDay / 3600, 2, out, p);
        out[p++] = ':';
        p = digits(secOfDay / 60 % 60, 2, out, p);
        out[p++] = ':';
        p = digits(secOfDay % 60, 2, out, p);
        if (nano != 0) {
            out[p++] = '.';
            if (nano % 1_000_000 == 0) {
                p = digits(nano / 1_000_000, 3, out, p);
            } else if (nano % 1_000 == 0) {
                p = digits(nano / 1_000, 6, out, p);
            } else {
                p = digits(nano, 9, out, p);
            }
        }
        out[p++] = 'Z';
        return p - off;
    }

    private static int digits(int v, int width, char[] out, int p) {
        for (int i = p + width - 1; i >= p; i--) {
            out[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return p + width;
    }
}

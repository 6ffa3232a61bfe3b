package io.vigil.api.json;

import java.time.Instant;

/**
 * {@link Rfc3339} timestamps as ASCII bytes for a UTF-8 generator. Events come roughly in time
 * order, so the date and time of day of the last second are kept and only the fraction is
 * formatted while the second stays the same.
 *
 * <p>Safe to share between threads: the memo is one immutable object, replaced whole.
 */
final class TimestampBytes {
    /** {@code 2024-04-14T02:18:14}: years 1..9999 are always 4 digits. */
    private static final int PREFIX = 19;

    private record Second(long epochSecond, byte[] prefix) {
    }

    private Second last = new Second(Long.MIN_VALUE, new byte[PREFIX]);

    /** Writes {@code t} into {@code out} (at least {@link Rfc3339#MAX_LENGTH} bytes); returns the length. */
    int format(Instant t, byte[] out) {
        long s = t.getEpochSecond();
        int nano = t.getNano();
        Second memo = last;
        if (memo.epochSecond != s) {
            char[] chars = new char[Rfc3339.MAX_LENGTH];
            Rfc3339.format(s, 0, chars, 0); // validates the range too
            byte[] prefix = new byte[PREFIX];
            for (int i = 0; i < PREFIX; i++) {
                prefix[i] = (byte) chars[i];
            }
            memo = new Second(s, prefix);
            last = memo;
        }
        System.arraycopy(memo.prefix, 0, out, 0, PREFIX);
        int p = PREFIX;
        if (nano != 0) { // the shortest exact fraction of 3, 6 or 9 digits, as Rfc3339
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
        return p;
    }

    private static int digits(int v, int width, byte[] out, int p) {
        for (int i = p + width - 1; i >= p; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + width;
    }
}

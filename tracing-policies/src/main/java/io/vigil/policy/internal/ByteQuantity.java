// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as budgets write them: 1048576, 10Mi (1024-based), 5G (1000-based). */
final class ByteQuantity {

    private static final Pattern FORM = Pattern.compile("([0-9]+)([KMGT]i?)?");
    private static final Map<String, Long> UNITS = Map.of(
            "K", 1_000L, "M", 1_000_000L, "G", 1_000_000_000L, "T", 1_000_000_000_000L,
            "Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "Ti", 1L << 40);

    private ByteQuantity() {}

    /** The byte count, or -1 when {@code text} is not a quantity or does not fit a long. */
    static long parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        BigInteger v = new BigInteger(m.group(1));
        if (m.group(2) != null) {
            v = v.multiply(BigInteger.valueOf(UNITS.get(m.group(2))));
        }
        return v.bitLength() < 63 ? v.longValue() : -1;
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import java.math.BigInteger;

/** Integer scalars as YAML 1.1 writes them (what Jackson's parser and Tetragon's Go parser accept). */
final class YamlIntegers {

    private YamlIntegers() {}

    /** The value of an integer scalar: decimal, 0x hex, 0o or leading-0 octal, 0b binary, with _ separators; null if none. */
    static BigInteger parse(String text) {
        String s = text.replace("_", "");
        boolean negative = false;
        if (s.startsWith("+") || s.startsWith("-")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            return null;
        }
        try {
            BigInteger v;
            if (s.startsWith("0x") || s.startsWith("0X")) {
                v = new BigInteger(s.substring(2), 16);
            } else if (s.startsWith("0o")) {
                v = new BigInteger(s.substring(2), 8);
            } else if (s.startsWith("0b")) {
                v = new BigInteger(s.substring(2), 2);
            } else if (s.length() > 1 && s.startsWith("0")) {
                v = new BigInteger(s.substring(1), 8);
            } else {
                v = new BigInteger(s, 10);
            }
            return negative ? v.negate() : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

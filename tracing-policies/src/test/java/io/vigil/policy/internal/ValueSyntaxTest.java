// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.policy.ArgType;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ValueSyntaxTest {

    @Test
    void integersReadAsGoReadsThem() {
        assertEquals(BigInteger.valueOf(64), ValueSyntax.goInteger("64"));
        assertEquals(BigInteger.valueOf(0x200), ValueSyntax.goInteger("0x200"));
        assertEquals(BigInteger.valueOf(8), ValueSyntax.goInteger("010"), "a leading 0 is octal");
        assertEquals(BigInteger.valueOf(-1), ValueSyntax.goInteger("-1"));
        assertEquals(BigInteger.valueOf(5), ValueSyntax.goInteger("0b101"));
        assertNull(ValueSyntax.goInteger("ten"));
        assertNull(ValueSyntax.goInteger("0x"));
        assertNull(ValueSyntax.decimal("0x10"), "InMap values are decimal");
    }

    @Test
    void rangesFollowTheArgumentType() {
        assertTrue(ValueSyntax.outOfRange(BigInteger.valueOf(-1), ArgType.UINT32).isPresent());
        assertTrue(ValueSyntax.outOfRange(BigInteger.ONE.shiftLeft(31), ArgType.INT).isPresent());
        assertFalse(ValueSyntax.outOfRange(BigInteger.ONE.shiftLeft(63), ArgType.UINT64).isPresent());
        assertFalse(ValueSyntax.outOfRange(BigInteger.valueOf(-1), ArgType.INT64).isPresent());
    }

    @Test
    void addressesAndPrefixes() {
        for (String ok : new String[] {"127.0.0.1", "127.0.0.1/8", "0.0.0.0/0", "::1", "::1/128", "fd00::/8",
                "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8"}) {
            assertTrue(ValueSyntax.isAddressOrCidr(ok), ok);
        }
        for (String bad : new String[] {"localhost", "10.0.0.0/33", "256.0.0.1", "01.2.3.4", "1:2:3:4:5:6:7",
                "1::2::3", "::1/129", "fe80::1%eth0", "10.0.0.0/", ""}) {
            assertFalse(ValueSyntax.isAddressOrCidr(bad), bad);
        }
    }

    @Test
    void ports() {
        assertTrue(ValueSyntax.isPortOrRange("53"));
        assertTrue(ValueSyntax.isPortOrRange("8000:8080"));
        assertFalse(ValueSyntax.isPortOrRange("65536"));
        assertFalse(ValueSyntax.isPortOrRange("http"));
        assertFalse(ValueSyntax.isPortOrRange("1:2:3"));
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4NetworkAndPlainAddress() {
        Cidr net = Cidr.parse("10.0.0.0/8");
        assertArrayEquals(new byte[] {10, 0, 0, 0}, net.address());
        assertEquals(8, net.prefixLength());
        assertTrue(net.isIpv4());
        assertEquals(new Cidr(new byte[] {(byte) 192, 0, 2, 7}, 32), Cidr.parse("192.0.2.7"));
        assertTrue(net.contains(new byte[] {10, 9, 8, 7}));
        assertFalse(net.contains(new byte[] {11, 0, 0, 1}));
    }

    @Test
    void ipv6NetworkAndPlainAddress() {
        Cidr net = Cidr.parse("2001:db8::/32");
        assertTrue(net.isIpv6());
        assertEquals(32, net.prefixLength());
        assertEquals("2001:db8:0:0:0:0:0:0/32", net.toString());
        assertEquals(128, Cidr.parse("::1").prefixLength());
        assertTrue(Cidr.parse("::ffff:10.0.0.1").isIpv6(), "an IPv4-mapped address stays in the family written");
        assertFalse(net.contains(new byte[] {32, 1, 13, (byte) 184}), "families never mix");
    }

    @Test
    void hostBitsAreKeptUntilMasked() {
        Cidr written = Cidr.parse("10.1.2.3/8");
        assertTrue(written.hasHostBits());
        assertEquals(Cidr.parse("10.0.0.0/8"), written.masked());
        assertFalse(Cidr.parse("10.0.0.0/8").hasHostBits());
        assertEquals(Cidr.parse("2001:db8::/32"), Cidr.parse("2001:db8:ff::1/32").masked());
    }

    @Test
    void equalityIsByValue() {
        assertEquals(Cidr.parse("10.0.0.0/8").hashCode(), Cidr.parse("10.0.0.0/8").hashCode());
        assertNotEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.0.0/16"));
        byte[] bytes = {10, 0, 0, 0};
        Cidr c = new Cidr(bytes, 8);
        bytes[0] = 11;
        assertEquals(Cidr.parse("10.0.0.0/8"), c, "the record keeps its own copy");
    }

    @Test
    void malformedTextIsRefused() {
        for (String bad : new String[] {"10.0.0/8", "10.0.0.256", "010.0.0.1", "10.0.0.0/33", "10.0.0.0/", "::/129",
                "example.com", "fe80::1%eth0", "[::1]", "10.0.0.0/08", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Text to {@link Cidr}, strictly: dotted decimal IPv4 without leading zeros (as Go's net.ParseCIDR), IPv6 literals. */
final class CidrParser {

    private CidrParser() {}

    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? ipv6(addr, text) : ipv4(addr, text);
        int max = bytes.length * 8;
        if (slash < 0) {
            return new Cidr(bytes, max);
        }
        String len = text.substring(slash + 1);
        if (!len.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(len) > max) {
            throw new IllegalArgumentException("'" + text + "' has prefix length '" + len + "'; it must be 0 to " + max);
        }
        return new Cidr(bytes, Integer.parseInt(len));
    }

    private static byte[] ipv4(String addr, String text) {
        String[] parts = addr.split("\\.", -1);
        if (parts.length != 4) {
            throw notAnAddress(text);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
                throw notAnAddress(text);
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static byte[] ipv6(String addr, String text) {
        // Only hex digits, ':' and '.' (an embedded IPv4): no zone, no brackets, nothing a resolver would look up.
        if (!addr.matches("[0-9a-fA-F:.]+")) {
            throw notAnAddress(text);
        }
        try {
            InetAddress a = InetAddress.getByName(addr);
            if (a instanceof Inet4Address) { // Java folds ::ffff:a.b.c.d to IPv4; keep the family written
                byte[] out = new byte[16];
                out[10] = (byte) 0xff;
                out[11] = (byte) 0xff;
                System.arraycopy(a.getAddress(), 0, out, 12, 4);
                return out;
            }
            return a.getAddress();
        } catch (UnknownHostException e) {
            throw notAnAddress(text);
        }
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address or CIDR"
                + " (e.g. 10.0.0.0/8, 192.0.2.7, 2001:db8::/32)");
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network: the address bytes (4 or 16, network order) and the prefix length.
 * Parsed without any DNS lookup; a plain address is a /32 or /128.
 */
public record Cidr(byte[] address, int prefixLength) {

    public Cidr {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, found " + address.length);
        }
        if (prefixLength < 0 || prefixLength > address.length * 8) {
            throw new IllegalArgumentException("prefix length must be between 0 and " + address.length * 8
                    + ", found " + prefixLength);
        }
        address = address.clone();
    }

    /**
     * Reads {@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code 2001:db8::/32}, {@code ::1}.
     *
     * @throws IllegalArgumentException with what is wrong, for the policy error
     */
    public static Cidr parse(String text) {
        return CidrParser.parse(text);
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    public boolean isIpv4() {
        return address.length == 4;
    }

    public boolean isIpv6() {
        return address.length == 16;
    }

    /** Whether bits beyond the prefix are set, as in 10.1.2.3/8. */
    public boolean hasHostBits() {
        return !Arrays.equals(address, masked().address);
    }

    /** The network with the host bits cleared: 10.0.0.0/8 for 10.1.2.3/8. */
    public Cidr masked() {
        byte[] net = address.clone();
        for (int i = 0; i < net.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            net[i] &= (byte) (0xff << (8 - keep));
        }
        return new Cidr(net, prefixLength);
    }

    /** Whether {@code addr} (4 or 16 bytes) lies in this network; families never mix. */
    public boolean contains(byte[] addr) {
        if (addr.length != address.length) {
            return false;
        }
        byte[] mine = masked().address;
        byte[] theirs = new Cidr(addr, prefixLength).masked().address;
        return Arrays.equals(mine, theirs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && prefixLength == c.prefixLength && Arrays.equals(address, c.address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: the length is checked
        }
    }
}

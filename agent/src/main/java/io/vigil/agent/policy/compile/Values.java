package io.vigil.agent.policy.compile;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/** Parsing of filter values; each failure is an IllegalArgumentException whose message says what is allowed. */
final class Values {
    private Values() {}

    private static final Map<String, Long> PROTOCOLS = Map.of("IPPROTO_IP", 0L, "IPPROTO_ICMP", 1L, "IPPROTO_TCP", 6L,
            "IPPROTO_UDP", 17L, "IPPROTO_ICMPV6", 58L, "IPPROTO_SCTP", 132L, "IPPROTO_RAW", 255L);
    private static final Map<String, Long> FAMILIES = Map.of("AF_UNIX", 1L, "AF_LOCAL", 1L, "AF_INET", 2L, "AF_INET6", 10L,
            "AF_NETLINK", 16L, "AF_PACKET", 17L);
    private static final Map<String, Long> STATES = Map.ofEntries(Map.entry("TCP_ESTABLISHED", 1L),
            Map.entry("TCP_SYN_SENT", 2L), Map.entry("TCP_SYN_RECV", 3L), Map.entry("TCP_FIN_WAIT1", 4L),
            Map.entry("TCP_FIN_WAIT2", 5L), Map.entry("TCP_TIME_WAIT", 6L), Map.entry("TCP_CLOSE", 7L),
            Map.entry("TCP_CLOSE_WAIT", 8L), Map.entry("TCP_LAST_ACK", 9L), Map.entry("TCP_LISTEN", 10L),
            Map.entry("TCP_CLOSING", 11L), Map.entry("TCP_NEW_SYN_RECV", 12L));

    /** An integer as strtoll/strtoull with base 0 reads it ("0x1f", "017", "-5"), checked against [min, max]. */
    static long integer(String s, BigInteger[] range) {
        String t = s.trim();
        boolean neg = t.startsWith("-");
        String d = neg || t.startsWith("+") ? t.substring(1) : t;
        BigInteger v;
        try {
            if (d.startsWith("0x") || d.startsWith("0X")) {
                v = new BigInteger(d.substring(2), 16);
            } else if (d.length() > 1 && d.startsWith("0")) {
                v = new BigInteger(d.substring(1), 8);
            } else {
                v = new BigInteger(d, 10);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not an integer (decimal, 0x hex or 0 octal)");
        }
        if (neg) {
            v = v.negate();
        }
        if (v.compareTo(range[0]) < 0 || v.compareTo(range[1]) > 0) {
            throw new IllegalArgumentException(s + " is out of the argument type's range " + range[0] + ".." + range[1]);
        }
        return v.longValue();
    }

    /** "lo:hi" of InRange. */
    static long[] range(String s, BigInteger[] range) {
        int c = s.indexOf(':', 1);
        if (c < 0) {
            throw new IllegalArgumentException("'" + s + "' is not a range 'low:high'");
        }
        return new long[] {integer(s.substring(0, c), range), integer(s.substring(c + 1), range)};
    }

    static long protocol(String s) {
        return named(s, PROTOCOLS, "IPPROTO_TCP, IPPROTO_UDP ...");
    }

    static long family(String s) {
        return named(s, FAMILIES, "AF_INET, AF_INET6, AF_UNIX ...");
    }

    static long state(String s) {
        return named(s, STATES, "TCP_ESTABLISHED, TCP_LISTEN ...");
    }

    private static long named(String s, Map<String, Long> names, String examples) {
        Long v = names.get(s.trim().toUpperCase(Locale.ROOT));
        if (v != null) {
            return v;
        }
        try {
            return integer(s, new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(65535)});
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is neither a number nor a known name (" + examples + ")");
        }
    }

    /** An address or CIDR: the address bytes (network order, host bits cleared) and the prefix length. */
    record Cidr(byte[] addr, int bits) {}

    static Cidr cidr(String s) {
        String t = s.trim();
        int slash = t.indexOf('/');
        String a = slash < 0 ? t : t.substring(0, slash);
        if (!a.matches("[0-9a-fA-F:.]+") || (!a.contains(":") && !a.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
            throw new IllegalArgumentException("'" + s + "' is not an IPv4/IPv6 address or CIDR");
        }
        byte[] addr;
        if (a.contains(":")) {
            try {
                addr = InetAddress.getByName(a).getAddress(); // with a colon: parsed as an IPv6 literal, never looked up
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + s + "' is not an IPv4/IPv6 address or CIDR");
            }
        } else {
            String[] parts = a.split("\\.");
            addr = new byte[4];
            for (int i = 0; i < 4; i++) {
                int b = Integer.parseInt(parts[i]);
                if (b > 255) {
                    throw new IllegalArgumentException("'" + s + "' is not an IPv4/IPv6 address or CIDR");
                }
                addr[i] = (byte) b;
            }
        }
        int max = 8 * addr.length;
        int bits;
        try {
            bits = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("'" + s + "': prefix length must be 0.." + max);
        }
        for (int i = 0; i < addr.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            addr[i] &= (byte) (0xff << (8 - keep));
        }
        return new Cidr(addr, bits);
    }
}

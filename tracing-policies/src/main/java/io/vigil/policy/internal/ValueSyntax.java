// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.ArgType;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text of filter values, read as Tetragon's selector encoder reads it (pkg/selectors/kernel.go).
 * Addresses are parsed by hand: nothing here may trigger a DNS lookup.
 */
final class ValueSyntax {

    private ValueSyntax() {}

    private static final BigInteger S32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger S32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger U32_MAX = BigInteger.valueOf(0xFFFF_FFFFL);
    private static final BigInteger S64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger S64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /**
     * Go's strconv.Parse(U)Int with base 0: optional sign, 0x/0o/0b prefixes, a leading 0 for octal,
     * underscores between digits. Null when the text is not such a number.
     */
    static BigInteger goInteger(String text) {
        String s = text.strip();
        boolean negative = false;
        if (s.startsWith("+") || s.startsWith("-")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        int radix = 10;
        String lower = s.toLowerCase();
        if (lower.startsWith("0x")) {
            radix = 16;
            s = s.substring(2);
        } else if (lower.startsWith("0o")) {
            radix = 8;
            s = s.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            s = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            s = s.substring(1);
        }
        s = s.replace("_", "");
        if (s.isEmpty() || s.startsWith("+") || s.startsWith("-")) {
            return null;
        }
        try {
            BigInteger v = new BigInteger(s, radix);
            return negative ? v.negate() : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** strconv.ParseInt(v, 10, 64), as InMap values are read: decimal only. */
    static BigInteger decimal(String text) {
        String s = text.strip();
        if (!s.matches("[+-]?[0-9]+")) {
            return null;
        }
        return new BigInteger(s.startsWith("+") ? s.substring(1) : s);
    }

    /** An error message when {@code v} does not fit the values of {@code type}; empty when it fits. */
    static Optional<String> outOfRange(BigInteger v, ArgType type) {
        BigInteger min;
        BigInteger max;
        switch (type.value()) {
            case S32 -> { min = S32_MIN; max = S32_MAX; }
            case U32 -> { min = BigInteger.ZERO; max = U32_MAX; }
            case S64 -> { min = S64_MIN; max = S64_MAX; }
            case U64 -> { min = BigInteger.ZERO; max = U64_MAX; }
            default -> { return Optional.empty(); }
        }
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            return Optional.of("is out of range for " + type.spelling() + " values (" + min + " to " + max + ")");
        }
        return Optional.empty();
    }

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");

    /** An IPv4 or IPv6 address, or a CIDR prefix of one (netip.ParseAddr / netip.ParsePrefix). */
    static boolean isAddressOrCidr(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        int bits;
        if (isIpv4(addr)) {
            bits = 32;
        } else if (isIpv6(addr)) {
            bits = 128;
        } else {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String len = s.substring(slash + 1);
        return len.matches("\\d{1,3}") && Integer.parseInt(len) <= bits;
    }

    static boolean isIpv4(String s) {
        var m = IPV4.matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            String octet = m.group(i);
            if ((octet.length() > 1 && octet.startsWith("0")) || Integer.parseInt(octet) > 255) {
                return false; // Go's parser refuses leading zeros
            }
        }
        return true;
    }

    static boolean isIpv6(String text) {
        String s = text;
        int lastColon = s.lastIndexOf(':');
        if (s.isEmpty() || s.indexOf('%') >= 0 || lastColon < 0) {
            return false; // zones are not prefixes
        }
        if (s.indexOf('.') >= 0) { // an IPv4 tail stands for the last two groups
            if (!isIpv4(s.substring(lastColon + 1))) {
                return false;
            }
            s = s.substring(0, lastColon + 1) + "0:0";
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        String[] halves = dbl >= 0 ? new String[] {s.substring(0, dbl), s.substring(dbl + 2)} : new String[] {s};
        int groups = 0;
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String g : half.split(":", -1)) {
                if (!HEX_GROUP.matcher(g).matches()) {
                    return false;
                }
                groups++;
            }
        }
        return dbl >= 0 ? groups <= 7 : groups == 8;
    }

    /** Ports: a number from 0 to 65535, or a {@code min:max} range of them. */
    static boolean isPortOrRange(String text) {
        String[] parts = text.strip().split(":", -1);
        if (parts.length > 2) {
            return false;
        }
        for (String p : parts) {
            BigInteger v = decimal(p);
            if (v == null || v.signum() < 0 || v.compareTo(BigInteger.valueOf(65535)) > 0) {
                return false;
            }
        }
        return true;
    }

    /** IPPROTO_ names of include/uapi/linux/in.h, as the Protocol operator takes them. */
    static final Map<String, Integer> PROTOCOLS = Map.ofEntries(
            Map.entry("IPPROTO_IP", 0), Map.entry("IPPROTO_ICMP", 1), Map.entry("IPPROTO_IGMP", 2),
            Map.entry("IPPROTO_IPIP", 4), Map.entry("IPPROTO_TCP", 6), Map.entry("IPPROTO_EGP", 8),
            Map.entry("IPPROTO_PUP", 12), Map.entry("IPPROTO_UDP", 17), Map.entry("IPPROTO_IDP", 22),
            Map.entry("IPPROTO_TP", 29), Map.entry("IPPROTO_DCCP", 33), Map.entry("IPPROTO_IPV6", 41),
            Map.entry("IPPROTO_RSVP", 46), Map.entry("IPPROTO_GRE", 47), Map.entry("IPPROTO_ESP", 50),
            Map.entry("IPPROTO_AH", 51), Map.entry("IPPROTO_ICMPV6", 58), Map.entry("IPPROTO_MTP", 92),
            Map.entry("IPPROTO_BEETPH", 94), Map.entry("IPPROTO_ENCAP", 98), Map.entry("IPPROTO_PIM", 103),
            Map.entry("IPPROTO_COMP", 108), Map.entry("IPPROTO_L2TP", 115), Map.entry("IPPROTO_SCTP", 132),
            Map.entry("IPPROTO_UDPLITE", 136), Map.entry("IPPROTO_MPLS", 137), Map.entry("IPPROTO_ETHERNET", 143),
            Map.entry("IPPROTO_RAW", 255), Map.entry("IPPROTO_MPTCP", 262));

    /** AF_ names of include/linux/socket.h, as the Family operator takes them. */
    static final Map<String, Integer> FAMILIES = Map.ofEntries(
            Map.entry("AF_UNSPEC", 0), Map.entry("AF_UNIX", 1), Map.entry("AF_LOCAL", 1), Map.entry("AF_INET", 2),
            Map.entry("AF_AX25", 3), Map.entry("AF_IPX", 4), Map.entry("AF_APPLETALK", 5), Map.entry("AF_NETROM", 6),
            Map.entry("AF_BRIDGE", 7), Map.entry("AF_ATMPVC", 8), Map.entry("AF_X25", 9), Map.entry("AF_INET6", 10),
            Map.entry("AF_ROSE", 11), Map.entry("AF_DECnet", 12), Map.entry("AF_NETBEUI", 13),
            Map.entry("AF_SECURITY", 14), Map.entry("AF_KEY", 15), Map.entry("AF_NETLINK", 16),
            Map.entry("AF_PACKET", 17), Map.entry("AF_ASH", 18), Map.entry("AF_ECONET", 19),
            Map.entry("AF_ATMSVC", 20), Map.entry("AF_RDS", 21), Map.entry("AF_SNA", 22), Map.entry("AF_IRDA", 23),
            Map.entry("AF_PPPOX", 24), Map.entry("AF_WANPIPE", 25), Map.entry("AF_LLC", 26), Map.entry("AF_IB", 27),
            Map.entry("AF_MPLS", 28), Map.entry("AF_CAN", 29), Map.entry("AF_TIPC", 30), Map.entry("AF_BLUETOOTH", 31),
            Map.entry("AF_IUCV", 32), Map.entry("AF_RXRPC", 33), Map.entry("AF_ISDN", 34), Map.entry("AF_PHONET", 35),
            Map.entry("AF_IEEE802154", 36), Map.entry("AF_CAIF", 37), Map.entry("AF_ALG", 38), Map.entry("AF_NFC", 39),
            Map.entry("AF_VSOCK", 40), Map.entry("AF_KCM", 41), Map.entry("AF_QIPCRTR", 42), Map.entry("AF_SMC", 43),
            Map.entry("AF_XDP", 44), Map.entry("AF_MCTP", 45));

    /** TCP_ states of include/net/tcp_states.h, as the State operator takes them. */
    static final Map<String, Integer> TCP_STATES = Map.ofEntries(
            Map.entry("TCP_ESTABLISHED", 1), Map.entry("TCP_SYN_SENT", 2), Map.entry("TCP_SYN_RECV", 3),
            Map.entry("TCP_FIN_WAIT1", 4), Map.entry("TCP_FIN_WAIT2", 5), Map.entry("TCP_TIME_WAIT", 6),
            Map.entry("TCP_CLOSE", 7), Map.entry("TCP_CLOSE_WAIT", 8), Map.entry("TCP_LAST_ACK", 9),
            Map.entry("TCP_LISTEN", 10), Map.entry("TCP_CLOSING", 11), Map.entry("TCP_NEW_SYN_RECV", 12));

    /** FileType values (fileTypeTable in pkg/selectors/kernel.go). */
    static final List<String> FILE_TYPES = List.of(
            "sock", "socket", "lnk", "link", "reg", "regular", "blk", "block", "dir", "chr", "char", "fifo", "pipe");

    /** Go's strconv.ParseBool, as Tetragon reads boolean options. */
    static boolean isGoBool(String s) {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False" -> true;
            default -> false;
        };
    }
}

package io.vigil.agent.policy.events;

import static java.util.Map.entry;

import java.util.Map;

/**
 * Tetragon's names for socket numbers (pkg/reader/network: InetFamily, InetType, InetProtocol,
 * TcpState; a number without a name is written in decimal) and its address text (Go's
 * net.IP.String(): dotted IPv4, RFC 5952 IPv6, IPv4-mapped IPv6 as dotted IPv4).
 */
final class Inet {
    private Inet() {}

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private static final String[] FAMILIES = new String[46];
    private static final String[] TYPES = {null, "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM",
        "SOCK_SEQPACKET", "SOCK_DCCP", "SOCK_PACKET"};
    private static final String[] TCP_STATES = {null, "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV",
        "TCP_FIN_WAIT1", "TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT", "TCP_LAST_ACK",
        "TCP_LISTEN", "TCP_CLOSING", "TCP_NEW_SYN_RECV"};
    private static final Map<Integer, String> PROTOCOLS = Map.ofEntries(
            entry(0, "IPPROTO_IP"), entry(1, "IPPROTO_ICMP"),
            entry(2, "IPPROTO_IGMP"), entry(4, "IPPROTO_IPIP"),
            entry(6, "IPPROTO_TCP"), entry(8, "IPPROTO_EGP"),
            entry(12, "IPPROTO_PUP"), entry(17, "IPPROTO_UDP"),
            entry(22, "IPPROTO_IDP"), entry(29, "IPPROTO_TP"),
            entry(33, "IPPROTO_DCCP"), entry(41, "IPPROTO_IPV6"),
            entry(46, "IPPROTO_RSVP"), entry(47, "IPPROTO_GRE"),
            entry(50, "IPPROTO_ESP"), entry(51, "IPPROTO_AH"),
            entry(92, "IPPROTO_MTP"), entry(94, "IPPROTO_BEETPH"),
            entry(98, "IPPROTO_ENCAP"), entry(103, "IPPROTO_PIM"),
            entry(108, "IPPROTO_COMP"), entry(132, "IPPROTO_SCTP"),
            entry(136, "IPPROTO_UDPLITE"), entry(137, "IPPROTO_MPLS"),
            entry(143, "IPPROTO_ETHERNET"), entry(255, "IPPROTO_RAW"),
            entry(262, "IPPROTO_MPTCP"));

    static {
        String[] names = {"AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM",
            "AF_BRIDGE", "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI", "AF_SECURITY",
            "AF_KEY", "AF_NETLINK", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS", null /* 22: AF_SNA, unnamed by Tetragon */,
            "AF_IRDA", "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC", "AF_BLUETOOTH",
            "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET", "AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC",
            "AF_VSOCK", "AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP", "AF_MCTP"};
        System.arraycopy(names, 0, FAMILIES, 0, names.length);
    }

    static String family(int v) {
        return named(FAMILIES, v);
    }

    static String type(int v) {
        return named(TYPES, v);
    }

    static String tcpState(int v) {
        return named(TCP_STATES, v);
    }

    static String protocol(int v) {
        String s = PROTOCOLS.get(v);
        return s != null ? s : Integer.toString(v);
    }

    private static String named(String[] names, int v) {
        return v >= 0 && v < names.length && names[v] != null ? names[v] : Integer.toString(v);
    }

    /** The address of an AF_INET or AF_INET6 tuple (16 bytes, IPv4 in the first 4), else empty. */
    static String address(int family, byte[] a, int off) {
        if (family == AF_INET) {
            return ipv4(a, off);
        }
        if (family == AF_INET6) {
            return ipv6(a, off);
        }
        return "";
    }

    static String ipv4(byte[] a, int off) {
        return (a[off] & 0xff) + "." + (a[off + 1] & 0xff) + "." + (a[off + 2] & 0xff) + "." + (a[off + 3] & 0xff);
    }

    /** RFC 5952 as Go prints it: lower-case hex, the longest run (first on a tie) of two or more zero groups as "::". */
    static String ipv6(byte[] a, int off) {
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= a[off + i] == 0;
        }
        if (mapped && a[off + 10] == (byte) 0xff && a[off + 11] == (byte) 0xff) {
            return ipv4(a, off + 12);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[off + 2 * i] & 0xff) << 8) | (a[off + 2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }
}

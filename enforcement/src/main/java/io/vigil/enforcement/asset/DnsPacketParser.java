package io.vigil.enforcement.asset;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A DNS answer from the IP packet msg_dns carries (IPv4 or IPv6, UDP, source port 53). Pure and
 * total: hostile or truncated input gives what could be read safely, or empty, never an exception.
 * The kernel copies at most 512 bytes of DNS payload, so a long answer arrives cut: the records
 * before the cut are kept.
 */
public final class DnsPacketParser {
    static final int IPPROTO_UDP = 17;
    static final int DNS_PORT = 53;
    static final int TYPE_A = 1;
    static final int TYPE_CNAME = 5;
    static final int TYPE_AAAA = 28;
    static final int CLASS_IN = 1;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;
    private static final int DNS_HEADER = 12;
    /** RFC 2181 §8: a TTL with the top bit set is taken as 0. */
    private static final long MAX_TTL = 0x7fffffffL;

    private DnsPacketParser() {}

    /** An answer of the packet; empty if it is not a whole, first-fragment UDP DNS response with RCODE 0. */
    public static Optional<DnsAnswer> parse(byte[] ipPacket) {
        try {
            return parseMessage(udpPayload(new DnsReader(ipPacket)));
        } catch (DnsReader.Malformed e) {
            return Optional.empty();
        }
    }

    /** An answer of a bare DNS message (a UDP payload), as {@link #parse} after the IP and UDP headers. */
    public static Optional<DnsAnswer> parseMessage(byte[] message) {
        DnsReader m = new DnsReader(message);
        String question;
        int pos;
        try {
            int flags = m.u16(2);
            boolean response = (flags & 0x8000) != 0;
            int opcode = flags >> 11 & 0xf;
            int rcode = flags & 0xf;
            if (!response || opcode != 0 || rcode != 0 || m.u16(4) != 1) {
                return Optional.empty();
            }
            DnsReader.Name q = m.name(DNS_HEADER);
            m.need(q.next(), 4); // QTYPE, QCLASS
            question = q.text();
            pos = q.next() + 4;
        } catch (DnsReader.Malformed e) {
            return Optional.empty();
        }
        return Optional.of(new DnsAnswer(question, AnswerChain.resolve(question, answers(m, pos))));
    }

    /** The answer records up to the first that cannot be read whole. */
    private static List<DnsRecord> answers(DnsReader m, int pos) {
        List<DnsRecord> records = new ArrayList<>();
        try {
            int count = m.u16(6);
            for (int i = 0; i < count; i++) {
                DnsReader.Name owner = m.name(pos);
                int type = m.u16(owner.next());
                int klass = m.u16(owner.next() + 2);
                long ttl = m.u32(owner.next() + 4);
                int rdLength = m.u16(owner.next() + 8);
                int rdata = owner.next() + 10;
                m.need(rdata, rdLength);
                pos = rdata + rdLength;
                if (klass != CLASS_IN) {
                    continue;
                }
                ttl = ttl > MAX_TTL ? 0 : ttl;
                if ((type == TYPE_A && rdLength == 4) || (type == TYPE_AAAA && rdLength == 16)) {
                    records.add(new DnsRecord(owner.text(), ttl, m.bytes(rdata, rdLength), null));
                } else if (type == TYPE_CNAME) {
                    records.add(new DnsRecord(owner.text(), ttl, null, m.name(rdata).text()));
                }
            }
        } catch (DnsReader.Malformed e) {
            // keep the records before the damage
        }
        return records;
    }

    /** The UDP payload of a DNS response packet, or an empty array for anything else. */
    private static byte[] udpPayload(DnsReader p) throws DnsReader.Malformed {
        int version = p.u8(0) >> 4;
        int udp;
        int ipEnd;
        if (version == 4) {
            udp = (p.u8(0) & 0xf) * 4;
            int fragment = p.u16(6) & 0x3fff; // MF and the offset: any fragment is skipped
            if (udp < IPV4_MIN_HEADER || fragment != 0 || p.u8(9) != IPPROTO_UDP) {
                return new byte[0];
            }
            ipEnd = Math.min(p.u16(2), p.length());
        } else if (version == 6) {
            if (p.u8(6) != IPPROTO_UDP) {
                return new byte[0]; // extension headers are not followed
            }
            udp = IPV6_HEADER;
            ipEnd = Math.min(IPV6_HEADER + p.u16(4), p.length());
        } else {
            return new byte[0];
        }
        if (ipEnd < udp + UDP_HEADER || p.u16(udp) != DNS_PORT) {
            return new byte[0];
        }
        int udpEnd = Math.min(ipEnd, udp + p.u16(udp + 4));
        if (udpEnd < udp + UDP_HEADER) {
            return new byte[0];
        }
        return p.bytes(udp + UDP_HEADER, udpEnd - udp - UDP_HEADER);
    }
}

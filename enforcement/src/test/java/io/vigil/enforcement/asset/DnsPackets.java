package io.vigil.enforcement.asset;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Test-only builder of DNS messages and the IPv4/IPv6 + UDP packets that carry them. */
final class DnsPackets {
    static final int RESPONSE = 0x8180; // QR, RD, RA, RCODE 0
    static final int QUERY = 0x0100; // RD

    private DnsPackets() {}

    /** A DNS message written in order; the counts are filled in by {@link #build()}. */
    static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int questions;
        private int answers;

        Message(int flags) {
            write(u16(0x1234), u16(flags), u16(0), u16(0), u16(0), u16(0));
        }

        /** Offset the next byte lands at, for a compression pointer to it. */
        int offset() {
            return out.size();
        }

        Message question(byte[] name, int type) {
            questions++;
            return write(name, u16(type), u16(DnsPacketParser.CLASS_IN));
        }

        Message answer(byte[] name, int type, long ttl, byte[] rdata) {
            answers++;
            return write(name, u16(type), u16(DnsPacketParser.CLASS_IN), u32(ttl), u16(rdata.length), rdata);
        }

        Message write(byte[]... parts) {
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return this;
        }

        byte[] build() {
            byte[] m = out.toByteArray();
            m[5] = (byte) questions;
            m[7] = (byte) answers;
            return m;
        }
    }

    /** A name in wire form, ending with the root label. */
    static byte[] name(String dotted) {
        return concat(labels(dotted), new byte[] {0});
    }

    /** A name's labels without the root label, to end with {@link #pointer}. */
    static byte[] labels(String dotted) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String label : dotted.split("\\.")) {
            byte[] b = label.getBytes(StandardCharsets.US_ASCII);
            o.write(b.length);
            o.writeBytes(b);
        }
        return o.toByteArray();
    }

    static byte[] pointer(int offset) {
        return new byte[] {(byte) (0xc0 | offset >> 8), (byte) offset};
    }

    static byte[] ipv4Udp(byte[] dns, int sourcePort) {
        int total = 20 + 8 + dns.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total); // version 4, IHL 5
        b.putShort((short) 0).putShort((short) 0x4000); // id, DF
        b.put((byte) 64).put((byte) DnsPacketParser.IPPROTO_UDP).putShort((short) 0); // ttl, proto, checksum
        b.put(new byte[] {8, 8, 8, 8}).put(new byte[] {10, 0, 0, 2});
        return b.put(udp(dns, sourcePort)).array();
    }

    static byte[] ipv6Udp(byte[] dns, int sourcePort) {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 + dns.length);
        b.putInt(0x60000000).putShort((short) (8 + dns.length));
        b.put((byte) DnsPacketParser.IPPROTO_UDP).put((byte) 64);
        b.put(new byte[16]).put(new byte[16]);
        return b.put(udp(dns, sourcePort)).array();
    }

    static byte[] udp(byte[] dns, int sourcePort) {
        return ByteBuffer.allocate(8 + dns.length).putShort((short) sourcePort).putShort((short) 40000)
                .putShort((short) (8 + dns.length)).putShort((short) 0).put(dns).array();
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}

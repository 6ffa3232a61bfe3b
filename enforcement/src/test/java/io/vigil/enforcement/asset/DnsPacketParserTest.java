package io.vigil.enforcement.asset;

import static io.vigil.enforcement.asset.DnsPackets.concat;
import static io.vigil.enforcement.asset.DnsPackets.ipv4Udp;
import static io.vigil.enforcement.asset.DnsPackets.ipv6Udp;
import static io.vigil.enforcement.asset.DnsPackets.labels;
import static io.vigil.enforcement.asset.DnsPackets.name;
import static io.vigil.enforcement.asset.DnsPackets.pointer;
import static io.vigil.enforcement.asset.DnsPacketParser.TYPE_A;
import static io.vigil.enforcement.asset.DnsPacketParser.TYPE_AAAA;
import static io.vigil.enforcement.asset.DnsPacketParser.TYPE_CNAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.asset.DnsPackets.Message;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DnsPacketParserTest {
    private static final int QUESTION = 12; // offset of the question name: right after the header
    private static final byte[] ADDR_1 = {93, (byte) 184, (byte) 216, 34};
    private static final byte[] ADDR_2 = {1, 2, 3, 4};
    private static final byte[] ADDR_6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    @Test
    void aRecordThroughACompressedOwner() {
        byte[] dns = new Message(DnsPackets.RESPONSE)
                .question(name("Example.COM"), TYPE_A)
                .answer(pointer(QUESTION), TYPE_A, 300, ADDR_1)
                .build();

        assertEquals(Optional.of(new DnsAnswer("example.com", List.of(address(ADDR_1, 300, "example.com")))),
                DnsPacketParser.parse(ipv4Udp(dns, 53)));
    }

    @Test
    void cnameChainGivesEveryNameAndTheSmallestTtl() {
        int example = QUESTION + 4; // "example.com" inside "api.example.com"
        // the CNAME's target, after the question (name, type, class) and the CNAME's owner pointer and fixed part
        int edge = QUESTION + name("api.example.com").length + 4 + 2 + 10;
        byte[] dns = response("api.example.com",
                answer(pointer(QUESTION), TYPE_CNAME, 30, name("edge.cdn.net")),
                answer(pointer(edge), TYPE_A, 60, ADDR_1),
                answer(concat(labels("other"), pointer(example)), TYPE_A, 60, ADDR_2), // off the chain
                answer(pointer(edge), TYPE_A, 20, ADDR_2));

        DnsAnswer a = DnsPacketParser.parse(ipv4Udp(dns, 53)).orElseThrow();

        assertEquals("api.example.com", a.queriedName());
        assertEquals(List.of(
                address(ADDR_1, 30, "api.example.com", "edge.cdn.net"),
                address(ADDR_2, 20, "api.example.com", "edge.cdn.net")), a.addresses());
    }

    @Test
    void addressesPartWayAlongAChainAnswerForTheNamesUpToThem() {
        byte[] dns = response("a.test",
                answer(name("a.test"), TYPE_CNAME, 100, name("b.test")),
                answer(name("b.test"), TYPE_CNAME, 50, name("c.test")),
                answer(name("b.test"), TYPE_A, 500, ADDR_1),
                answer(name("c.test"), TYPE_A, 70, ADDR_2));

        assertEquals(List.of(
                address(ADDR_1, 100, "a.test", "b.test"),
                address(ADDR_2, 50, "a.test", "b.test", "c.test")),
                DnsPacketParser.parseMessage(dns).orElseThrow().addresses());
    }

    @Test
    void cnameLoopEnds() {
        byte[] dns = response("a.test",
                answer(name("a.test"), TYPE_CNAME, 100, name("b.test")),
                answer(name("b.test"), TYPE_CNAME, 100, name("a.test")),
                answer(name("b.test"), TYPE_A, 100, ADDR_1));

        assertEquals(List.of(address(ADDR_1, 100, "a.test", "b.test")),
                DnsPacketParser.parseMessage(dns).orElseThrow().addresses());
    }

    @Test
    void aaaaOverIpv6() {
        byte[] dns = response("v6.example.org", answer(pointer(QUESTION), TYPE_AAAA, 3600, ADDR_6));

        assertEquals(Optional.of(new DnsAnswer("v6.example.org", List.of(address(ADDR_6, 3600, "v6.example.org")))),
                DnsPacketParser.parse(ipv6Udp(dns, 53)));
    }

    @Test
    void ipv4OptionsAreSkippedByIhl() {
        byte[] plain = ipv4Udp(response("example.com", answer(pointer(QUESTION), TYPE_A, 5, ADDR_1)), 53);
        byte[] withOptions = new byte[plain.length + 4];
        System.arraycopy(plain, 0, withOptions, 0, 20);
        withOptions[0] = 0x46; // IHL 6: 4 bytes of options (zero = end of options)
        System.arraycopy(plain, 20, withOptions, 24, plain.length - 20);
        withOptions[3] += 4; // total length

        assertEquals(DnsPacketParser.parse(plain), DnsPacketParser.parse(withOptions));
        assertTrue(DnsPacketParser.parse(plain).isPresent());
    }

    @Test
    void whatIsNotADnsResponseGivesNothing() {
        byte[] dns = response("example.com", answer(pointer(QUESTION), TYPE_A, 5, ADDR_1));
        byte[] good = ipv4Udp(dns, 53);
        assertTrue(DnsPacketParser.parse(good).isPresent());

        assertEquals(Optional.empty(), DnsPacketParser.parse(ipv4Udp(dns, 5353)), "source port not 53");
        assertEquals(Optional.empty(), DnsPacketParser.parse(with(good, 9, 6)), "TCP");
        assertEquals(Optional.empty(), DnsPacketParser.parse(with(good, 6, 0x60)), "first fragment (MF)");
        assertEquals(Optional.empty(), DnsPacketParser.parse(with(with(good, 6, 0), 7, 1)), "later fragment");
        assertEquals(Optional.empty(), DnsPacketParser.parse(with(good, 0, 0x44)), "IHL below 5");
        assertEquals(Optional.empty(), DnsPacketParser.parse(with(good, 0, 0x55)), "IP version 5");
        assertEquals(Optional.empty(), DnsPacketParser.parse(with(ipv6Udp(dns, 53), 6, 0)), "IPv6 hop-by-hop header");
        assertEquals(Optional.empty(), DnsPacketParser.parse(new byte[0]));
        assertEquals(Optional.empty(), DnsPacketParser.parse(ipv4Udp(with(dns, 2, 0x01), 53)), "a query (QR 0)");
        assertEquals(Optional.empty(), DnsPacketParser.parse(ipv4Udp(with(dns, 3, 0x83), 53)), "NXDOMAIN");
        assertEquals(Optional.empty(), DnsPacketParser.parse(ipv4Udp(with(dns, 5, 2), 53)), "two questions");
    }

    @Test
    void truncatedPacketKeepsTheRecordsBeforeTheCut() {
        byte[] dns = response("example.com",
                answer(pointer(QUESTION), TYPE_A, 5, ADDR_1),
                answer(pointer(QUESTION), TYPE_A, 5, ADDR_2));
        byte[] packet = ipv4Udp(dns, 53);
        byte[] cut = Arrays.copyOf(packet, packet.length - 1); // the kernel copied less than the headers say

        assertEquals(List.of(address(ADDR_1, 5, "example.com")), DnsPacketParser.parse(cut).orElseThrow().addresses());
        int inQuestion = 20 + 8 + QUESTION + 3;
        assertEquals(Optional.empty(), DnsPacketParser.parse(Arrays.copyOf(packet, inQuestion)));
    }

    @Test
    void everyTruncationIsSafe() {
        byte[] packet = ipv4Udp(response("api.example.com",
                answer(pointer(QUESTION), TYPE_CNAME, 30, name("edge.cdn.net")),
                answer(name("edge.cdn.net"), TYPE_AAAA, 60, ADDR_6)), 53);
        for (int len = 0; len <= packet.length; len++) {
            DnsPacketParser.parse(Arrays.copyOf(packet, len)); // throws nothing
        }
        assertEquals(1, DnsPacketParser.parse(packet).orElseThrow().addresses().size());
    }

    @Test
    void pointerLoopsAndWildPointersStopParsing() {
        byte[] loopInAnswer = response("example.com",
                answer(pointer(QUESTION), TYPE_A, 5, ADDR_1),
                new byte[0]);
        // a second answer whose owner is a pointer to itself
        int self = loopInAnswer.length;
        loopInAnswer = concat(loopInAnswer, answer(pointer(self), TYPE_A, 5, ADDR_2));
        loopInAnswer[7] = 2;
        assertEquals(List.of(address(ADDR_1, 5, "example.com")),
                DnsPacketParser.parseMessage(loopInAnswer).orElseThrow().addresses());

        byte[] loopInQuestion = concat(new Message(DnsPackets.RESPONSE).build(), pointer(QUESTION), DnsPackets.u32(0x00010001));
        loopInQuestion[5] = 1;
        assertEquals(Optional.empty(), DnsPacketParser.parseMessage(loopInQuestion));

        byte[] twoStepLoop = concat(new Message(DnsPackets.RESPONSE).build(), labels("a"), pointer(QUESTION + 4),
                pointer(QUESTION), DnsPackets.u32(0x00010001));
        twoStepLoop[5] = 1;
        assertEquals(Optional.empty(), DnsPacketParser.parseMessage(twoStepLoop));

        byte[] pastTheEnd = response("example.com", answer(pointer(0x3fff), TYPE_A, 5, ADDR_1));
        assertEquals(List.of(), DnsPacketParser.parseMessage(pastTheEnd).orElseThrow().addresses());
    }

    @Test
    void randomDamageNeverThrows() {
        byte[] packet = ipv4Udp(response("api.example.com",
                answer(pointer(QUESTION), TYPE_CNAME, 30, concat(labels("edge"), pointer(QUESTION + 4))),
                answer(pointer(QUESTION), TYPE_A, 60, ADDR_1)), 53);
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] p = packet.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                p[28 + random.nextInt(p.length - 28)] = (byte) random.nextInt(256); // the DNS part
            }
            DnsPacketParser.parse(p);
        }
    }

    @Test
    void ttlWithTheTopBitSetIsZero() {
        byte[] dns = response("example.com", answer(pointer(QUESTION), TYPE_A, 0x80000000L, ADDR_1));

        assertEquals(0, DnsPacketParser.parseMessage(dns).orElseThrow().addresses().get(0).ttlSeconds());
    }

    @Test
    void recordsOfOtherTypesAndBadLengthsAreSkipped() {
        byte[] dns = response("example.com",
                answer(pointer(QUESTION), 16, 5, new byte[] {3, 'a', 'b', 'c'}), // TXT
                answer(pointer(QUESTION), TYPE_A, 5, new byte[5]), // an A of 5 bytes
                answer(pointer(QUESTION), TYPE_A, 5, ADDR_2));

        assertEquals(List.of(address(ADDR_2, 5, "example.com")),
                DnsPacketParser.parseMessage(dns).orElseThrow().addresses());
    }

    // -- helpers ----------------------------------------------------------------------------------

    /** A response to an A question for {@code question}, with the records given (already encoded). */
    private static byte[] response(String question, byte[]... records) {
        byte[] m = concat(new Message(DnsPackets.RESPONSE).question(name(question), TYPE_A).build(), concat(records));
        m[7] = (byte) Arrays.stream(records).filter(r -> r.length > 0).count();
        return m;
    }

    private static byte[] answer(byte[] owner, int type, long ttl, byte[] rdata) {
        return concat(owner, DnsPackets.u16(type), DnsPackets.u16(1), DnsPackets.u32(ttl), DnsPackets.u16(rdata.length), rdata);
    }

    private static DnsAnswer.Address address(byte[] a, long ttl, String... names) {
        return new DnsAnswer.Address(a, Set.of(names), ttl);
    }

    private static byte[] with(byte[] b, int offset, int value) {
        byte[] c = b.clone();
        c[offset] = (byte) value;
        return c;
    }
}

package io.vigil.enforcement.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.asset.AllowListEncoder.Encoded;
import io.vigil.enforcement.asset.AllowListEncoder.Entry;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Goldens written by hand from asset_abi.h (asset_allow4_key, asset_allow6_key, asset_ports). */
class AllowListEncoderTest {
    private static final int TCP = AllowRule.TCP;
    private static final int UDP = AllowRule.UDP;

    @Test
    void ipv4EntryGolden() {
        Encoded e = AllowListEncoder.encode(List.of(rule(1, "10.1.2.3", 16, Set.of(443, 80), TCP)));

        assertEquals(List.of(), e.v6());
        assertEquals(1, e.v4().size());
        assertEquals(hex(
                "30000000", // prefixlen 48 = 32 (policy) + 16, little endian
                "00000001", // policy 1, big endian
                "0a010000"), // 10.1.0.0: host bits of 10.1.2.3/16 cleared
                hex(e.v4().get(0).key()));
        assertEquals(hex(
                "5000", "bb01", // ports 80, 443 ascending, little endian
                zeros(28), // 14 unused port slots
                "02", // count
                "01", // proto TCP
                zeros(6)), // pad
                hex(e.v4().get(0).value()));
    }

    @Test
    void unalignedPrefixGolden() {
        Encoded e = AllowListEncoder.encode(List.of(rule(0, "192.168.255.255", 20, Set.of(53), UDP)));

        assertEquals(hex(
                "34000000", // prefixlen 52 = 32 + 20
                "00000000", // policy 0
                "c0a8f000"), // 192.168.240.0: only the top 4 bits of the third byte stay
                hex(e.v4().get(0).key()));
        assertEquals(hex("3500", zeros(30), "01", "02", zeros(6)), // port 53, count 1, UDP
                hex(e.v4().get(0).value()));
    }

    @Test
    void ipv6EntryGolden() {
        Encoded e = AllowListEncoder.encode(List.of(rule(2, "2001:db8:ffff::1", 32, Set.of(), 0)));

        assertEquals(List.of(), e.v4());
        assertEquals(hex(
                "40000000", // prefixlen 64 = 32 + 32
                "00000002", // policy 2, big endian
                "20010db8", zeros(12)), // 2001:db8::, the rest cleared
                hex(e.v6().get(0).key()));
        assertEquals(zeros(40), hex(e.v6().get(0).value())); // count 0 = any port, proto 0 = any
    }

    @Test
    void portsValueGolden() {
        assertEquals(hex("1600", "5000", zeros(28), "02", "03", zeros(6)), // 22, 80; TCP|UDP
                hex(AllowListEncoder.portsValue(Set.of(80, 22), TCP | UDP)));
        assertThrows(IllegalArgumentException.class,
                () -> AllowListEncoder.portsValue(range(1, 17), 0));
    }

    @Test
    void nestedEntryCarriesThePortsOfWhatEnclosesIt() {
        Encoded e = AllowListEncoder.encode(List.of(
                rule(0, "10.1.0.0", 16, Set.of(80), TCP),
                rule(0, "10.0.0.0", 8, Set.of(443), TCP),
                rule(0, "192.168.0.0", 16, Set.of(22), TCP), // disjoint: untouched
                rule(1, "10.0.0.0", 8, Set.of(8080), TCP))); // another policy: not folded in

        assertEquals(List.of(
                "p0 10.0.0.0/8 [443] proto 1",
                "p0 10.1.0.0/16 [80, 443] proto 1",
                "p0 192.168.0.0/16 [22] proto 1",
                "p1 10.0.0.0/8 [8080] proto 1"), describe(e.v4()));
    }

    @Test
    void siblingsDoNotFoldIntoEachOther() {
        Encoded e = AllowListEncoder.encode(List.of(
                rule(0, "10.0.0.0", 8, Set.of(1), 0),
                rule(0, "10.1.0.0", 16, Set.of(2), 0),
                rule(0, "10.1.1.0", 24, Set.of(3), 0),
                rule(0, "10.2.0.0", 16, Set.of(4), 0),
                rule(0, "10.2.0.1", 32, Set.of(5), 0)));

        assertEquals(List.of(
                "p0 10.0.0.0/8 [1] proto 0",
                "p0 10.1.0.0/16 [1, 2] proto 0",
                "p0 10.1.1.0/24 [1, 2, 3] proto 0",
                "p0 10.2.0.0/16 [1, 4] proto 0",
                "p0 10.2.0.1/32 [1, 4, 5] proto 0"), describe(e.v4()));
    }

    @Test
    void anyPortAndAnyProtocolEnclosingWinInTheNestedEntry() {
        Encoded e = AllowListEncoder.encode(List.of(
                rule(0, "0.0.0.0", 0, Set.of(), TCP),
                rule(0, "10.0.0.0", 8, Set.of(443), TCP),
                rule(1, "172.16.0.0", 12, Set.of(53), 0),
                rule(1, "172.16.1.0", 24, Set.of(53), UDP)));

        assertEquals(List.of(
                "p0 0.0.0.0/0 any proto 1",
                "p0 10.0.0.0/8 any proto 1",
                "p1 172.16.0.0/12 [53] proto 0",
                "p1 172.16.1.0/24 [53] proto 0"), describe(e.v4()));
    }

    @Test
    void rulesOfOnePrefixMerge() {
        Encoded e = AllowListEncoder.encode(List.of(
                rule(0, "10.0.0.1", 8, Set.of(443), TCP), // host bits differ, same prefix
                rule(0, "10.0.0.0", 8, Set.of(53), UDP),
                rule(1, "10.0.0.0", 8, Set.of(443), TCP),
                rule(1, "10.0.0.0", 8, Set.of(), TCP), // any port wins
                rule(2, "10.0.0.0", 8, Set.of(22), TCP),
                rule(2, "10.0.0.0", 8, Set.of(22), 0))); // any protocol wins

        assertEquals(List.of(
                "p0 10.0.0.0/8 [53, 443] proto 3",
                "p1 10.0.0.0/8 any proto 1",
                "p2 10.0.0.0/8 [22] proto 0"), describe(e.v4()));
    }

    @Test
    void ipv6NestsAndFamiliesStayApart() {
        Encoded e = AllowListEncoder.encode(List.of(
                rule(0, "::", 0, Set.of(443), 0),
                rule(0, "2001:db8::", 32, Set.of(80), 0),
                rule(0, "0.0.0.0", 0, Set.of(22), 0)));

        assertEquals(List.of("p0 0.0.0.0/0 [22] proto 0"), describe(e.v4()));
        assertEquals(List.of("p0 0:0:0:0:0:0:0:0/0 [443] proto 0", "p0 2001:db8:0:0:0:0:0:0/32 [80, 443] proto 0"),
                describe(e.v6()));
    }

    @Test
    void orderDoesNotDependOnInputOrder() {
        List<AllowRule> rules = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rules.add(rule(i % 3, "10." + i + ".0.0", 8 + i % 17, Set.of(1000 + i % 5), i % 3));
            rules.add(rule(i % 3, "2001:db8:" + Integer.toHexString(i) + "::", 32 + i % 40, Set.of(i + 1), 0));
        }
        Encoded expected = AllowListEncoder.encode(rules);
        List<AllowRule> shuffled = new ArrayList<>(rules);
        Collections.shuffle(shuffled, new Random(7));

        assertEquals(expected, AllowListEncoder.encode(shuffled));
    }

    @Test
    void tooManyPortsAfterFoldingNamesThePrefix() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> AllowListEncoder.encode(List.of(
                rule(4, "10.0.0.0", 8, range(1, 10), 0),
                rule(4, "10.1.0.0", 16, range(100, 106), 0))));

        assertTrue(ex.getMessage().contains("policy 4, 10.1.0.0/16: 17 ports"), ex.getMessage());
    }

    @Test
    void ruleRefusesWhatTheMapsCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> new AllowRule(0, new byte[5], 8, Set.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> rule(0, "10.0.0.0", 33, Set.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> rule(0, "::", 129, Set.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> rule(64, "10.0.0.0", 8, Set.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> rule(-1, "10.0.0.0", 8, Set.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> rule(0, "10.0.0.0", 8, Set.of(0), 0));
        assertThrows(IllegalArgumentException.class, () -> rule(0, "10.0.0.0", 8, Set.of(65536), 0));
        assertThrows(IllegalArgumentException.class, () -> rule(0, "10.0.0.0", 8, Set.of(), 4));
        assertThrows(IllegalArgumentException.class, () -> rule(0, "10.0.0.0", 8, range(1, 17), 0));
    }

    @Test
    void ruleKeepsItsOwnAddress() {
        byte[] a = {10, 0, 0, 0};
        AllowRule r = new AllowRule(0, a, 8, Set.of(), 0);
        a[0] = 11;
        r.address()[0] = 12;

        assertEquals(10, r.address()[0]);
    }

    // -- helpers ----------------------------------------------------------------------------------

    static AllowRule rule(int policy, String address, int prefix, Set<Integer> ports, int proto) {
        try {
            return new AllowRule(policy, InetAddress.getByName(address).getAddress(), prefix, ports, proto);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Set<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    static String hex(String... words) {
        return String.join("", words);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String zeros(int bytes) {
        return "00".repeat(bytes);
    }

    /** Entries read back by a decoder written here from the header, independent of the encoder. */
    static List<String> describe(List<Entry> entries) {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            ByteBuffer k = ByteBuffer.wrap(e.key());
            int prefix = Integer.reverseBytes(k.getInt()) - 32;
            int policy = k.getInt();
            byte[] addr = new byte[e.key().length - 8];
            k.get(addr);
            ByteBuffer v = ByteBuffer.wrap(e.value()).order(ByteOrder.LITTLE_ENDIAN);
            int count = v.get(32);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ports.add(v.getShort(2 * i) & 0xffff);
            }
            String text;
            try {
                text = InetAddress.getByAddress(addr).getHostAddress();
            } catch (java.net.UnknownHostException ex) {
                throw new AssertionError(ex);
            }
            out.add("p" + policy + " " + text + "/" + prefix + " " + (count == 0 ? "any" : ports) + " proto " + v.get(33));
        }
        return out;
    }
}

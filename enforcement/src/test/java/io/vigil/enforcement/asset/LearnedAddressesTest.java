package io.vigil.enforcement.asset;

import static io.vigil.enforcement.asset.AllowListEncoderTest.hex;
import static io.vigil.enforcement.asset.AllowListEncoderTest.range;
import static io.vigil.enforcement.asset.AllowListEncoderTest.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LearnedAddressesTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long START = 1000 * SECOND;
    private static final byte[] ADDR_1 = {93, (byte) 184, (byte) 216, 34};
    private static final byte[] ADDR_2 = {1, 2, 3, 4};
    private static final byte[] ADDR_6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private final AtomicLong clock = new AtomicLong(START);
    private final FakeMap map = new FakeMap();

    @Test
    void learnedEntryGolden() {
        LearnedAddresses learned = learned(new NameRule(3, "api.example.com"::equals, Set.of(443), AllowRule.TCP));

        learned.onAnswer(answer(ADDR_1, 300, "api.example.com"));

        assertEquals(List.of("put " + hex(
                "03000000", // policy 3, host order
                "02", "000000", // AF_INET, pad
                "5db8d822", zeros(12)) // 93.184.216.34, the rest 0
                + " " + hex(
                "00c809ae2e010000", // expires 1300 s = 1000 s now + 300 s TTL, ns, little endian
                "bb01", zeros(30), "01", "01", zeros(6))), // port 443, count 1, TCP
                map.log);
        assertEquals(1, learned.counters().learned());
    }

    @Test
    void ipv6KeyGolden() {
        assertEquals(hex("05000000", "0a", "000000", "20010db8", zeros(10), "0001"), // policy 5, AF_INET6
                hex(LearnedEntry.key(5, ADDR_6)));
    }

    @Test
    void everyNameOfTheChainIsMatched() {
        LearnedAddresses learned = learned(new NameRule(0, "edge.cdn.net"::equals, Set.of(), 0));

        learned.onAnswer(answer(ADDR_1, 60, "api.example.com", "edge.cdn.net"));

        assertEquals(1, map.entries.size());
    }

    @Test
    void rulesOfOnePolicyMergeAndPoliciesStayApart() {
        LearnedAddresses learned = learned(
                new NameRule(0, n -> n.endsWith(".example.com"), Set.of(443), AllowRule.TCP),
                new NameRule(0, "api.example.com"::equals, Set.of(53), AllowRule.UDP),
                new NameRule(1, n -> true, Set.of(8443), AllowRule.TCP));

        learned.onAnswer(answer(ADDR_1, 60, "api.example.com"));

        assertEquals(List.of("p0 [53, 443] proto 3 expires 1060", "p1 [8443] proto 1 expires 1060"), map.describe());
        assertEquals(2, learned.counters().learned());
    }

    @Test
    void aNewerAnswerRefreshesToTheLaterExpiryOnly() {
        LearnedAddresses learned = learned(new NameRule(0, n -> true, Set.of(443), 0));
        learned.onAnswer(answer(ADDR_1, 60, "a.test"));

        clock.addAndGet(30 * SECOND);
        learned.onAnswer(answer(ADDR_1, 10, "a.test")); // would expire sooner: nothing to write
        assertEquals(1, map.log.size());

        learned.onAnswer(answer(ADDR_1, 100, "a.test"));
        assertEquals(List.of("p0 [443] proto 0 expires 1130"), map.describe());
        assertEquals(1, learned.counters().learned());
        assertEquals(1, learned.counters().refreshed());
    }

    @Test
    void aLiveEntryLearnedThroughAnotherNameKeepsBothPorts() {
        LearnedAddresses learned = learned(
                new NameRule(0, "a.test"::equals, Set.of(443), AllowRule.TCP),
                new NameRule(0, "b.test"::equals, Set.of(80), AllowRule.TCP));
        learned.onAnswer(answer(ADDR_1, 60, "a.test"));
        learned.onAnswer(answer(ADDR_1, 30, "b.test"));

        assertEquals(List.of("p0 [80, 443] proto 1 expires 1060"), map.describe());
    }

    @Test
    void anExpiredEntryIsReplacedNotMerged() {
        LearnedAddresses learned = learned(
                new NameRule(0, "a.test"::equals, Set.of(443), 0),
                new NameRule(0, "b.test"::equals, Set.of(80), 0));
        learned.onAnswer(answer(ADDR_1, 60, "a.test"));
        clock.addAndGet(61 * SECOND);

        learned.onAnswer(answer(ADDR_1, 30, "b.test"));

        assertEquals(List.of("p0 [80] proto 0 expires 1091"), map.describe());
    }

    @Test
    void expireDeletesWhatIsPastItsExpiry() {
        LearnedAddresses learned = learned(new NameRule(0, n -> true, Set.of(), 0));
        learned.onAnswer(answer(ADDR_1, 60, "a.test"));
        learned.onAnswer(answer(ADDR_2, 120, "b.test"));

        clock.set(START + 60 * SECOND); // the kernel still allows at expires itself
        learned.expire();
        assertEquals(2, learned.size());

        clock.incrementAndGet();
        learned.expire();
        assertEquals(1, learned.size());
        assertEquals(1, map.entries.size());
        assertTrue(map.log.get(map.log.size() - 1).startsWith("delete 00000000" + "02000000" + "5db8d822"));
        assertEquals(1, learned.counters().expired());
    }

    @Test
    void ttlIsBoundedByFloorAndCap() {
        LearnedAddresses learned = new LearnedAddresses(List.of(new NameRule(0, n -> true, Set.of(), 0)),
                new LearnedAddresses.TtlBounds(Duration.ofSeconds(5), Duration.ofSeconds(600)), clock::get, map);

        learned.onAnswer(answer(ADDR_1, 0, "a.test"));
        learned.onAnswer(answer(ADDR_2, 86400, "b.test"));

        assertEquals(List.of("p0 any proto 0 expires 1600", "p0 any proto 0 expires 1005"), map.describe());
        assertThrows(IllegalArgumentException.class,
                () -> new LearnedAddresses.TtlBounds(Duration.ofSeconds(10), Duration.ofSeconds(5)));
    }

    @Test
    void zeroTtlWithoutAFloorIsCountedNotWritten() {
        LearnedAddresses learned = learned(new NameRule(0, n -> true, Set.of(), 0));

        learned.onAnswer(answer(ADDR_1, 0, "a.test"));

        assertEquals(List.of(), map.log);
        assertEquals(1, learned.counters().zeroTtl());
        assertEquals(0, learned.counters().ignored());
    }

    @Test
    void answersForNamesNoPolicyAllowsAreIgnored() {
        LearnedAddresses learned = learned(new NameRule(0, "a.test"::equals, Set.of(), 0));

        learned.onAnswer(answer(ADDR_1, 60, "b.test"));
        learned.onAnswer(new DnsAnswer("a.test", List.of())); // NODATA

        assertEquals(List.of(), map.log);
        assertEquals(2, learned.counters().ignored());
    }

    @Test
    void policiesWhoseRulesNameTooManyPortsAreRefused() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> learned(
                new NameRule(7, "a.test"::equals, range(1, 10), 0),
                new NameRule(7, "b.test"::equals, range(11, 17), 0)));

        assertTrue(ex.getMessage().startsWith("policy 7"), ex.getMessage());
        learned(new NameRule(7, "a.test"::equals, range(1, 10), 0), new NameRule(7, "b.test"::equals, Set.of(), 0));
    }

    @Test
    void nameRuleRefusesWhatTheMapCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> new NameRule(64, n -> true, Set.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> new NameRule(0, n -> true, Set.of(0), 0));
        assertThrows(IllegalArgumentException.class, () -> new NameRule(0, n -> true, Set.of(), 8));
        assertThrows(IllegalArgumentException.class, () -> new NameRule(0, n -> true, range(1, 17), 0));
    }

    // -- helpers ----------------------------------------------------------------------------------

    private LearnedAddresses learned(NameRule... rules) {
        return new LearnedAddresses(List.of(rules), LearnedAddresses.TtlBounds.DEFAULT, clock::get, map);
    }

    private static DnsAnswer answer(byte[] address, long ttl, String... names) {
        return new DnsAnswer(names[0], List.of(new DnsAnswer.Address(address, Set.of(names), ttl)));
    }

    /** asset_learned in memory, with a log of the writes. */
    private static final class FakeMap implements LearnedMap {
        final Map<String, byte[]> entries = new TreeMap<>();
        final List<String> log = new ArrayList<>();

        @Override
        public void put(byte[] key, byte[] value) {
            entries.put(hex(key), value.clone());
            log.add("put " + hex(key) + " " + hex(value));
        }

        @Override
        public void delete(byte[] key) {
            entries.remove(hex(key));
            log.add("delete " + hex(key));
        }

        /** Entries in key order, read back from the header layout: policy, ports, proto, expiry in s. */
        List<String> describe() {
            List<String> out = new ArrayList<>();
            entries.forEach((key, value) -> {
                ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
                int count = v.get(8 + 32);
                List<Integer> ports = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    ports.add(v.getShort(8 + 2 * i) & 0xffff);
                }
                int policy = Integer.reverseBytes(Integer.parseUnsignedInt(key.substring(0, 8), 16));
                out.add("p" + policy + " " + (count == 0 ? "any" : ports) + " proto " + v.get(8 + 33) + " expires "
                        + v.getLong(0) / SECOND);
            });
            return out;
        }
    }
}

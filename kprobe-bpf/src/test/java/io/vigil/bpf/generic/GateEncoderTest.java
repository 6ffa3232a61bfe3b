package io.vigil.bpf.generic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.generic.GateEncoder.Encoded;
import io.vigil.bpf.generic.GateEncoder.Gate;
import io.vigil.bpf.generic.GateEncoder.Member;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Golden tests of the gen_gate trie and the dispatcher's masks (GateEncoder's format comment). */
class GateEncoderTest {
    private static Member prefix(int slot, String... v) {
        return new Member(slot, Optional.of(new Gate(List.of(), List.of(v))));
    }

    private static Member equal(int slot, String... v) {
        return new Member(slot, Optional.of(new Gate(List.of(v), List.of())));
    }

    private static Member always(int slot) {
        return new Member(slot, Optional.empty());
    }

    @Test
    void emptyGroupHasNoEntries() {
        Encoded e = GateEncoder.encode(List.of());
        assertEquals(0, e.members());
        assertEquals(0, e.always());
        assertTrue(e.entries().isEmpty());
        assertFalse(e.gated());
    }

    @Test
    void nestedPrefixesFoldShorterOnesIn() {
        Encoded e = GateEncoder.encode(List.of(prefix(0, "/etc/"), prefix(1, "/etc/ssh/"), prefix(2, "/var/")));
        assertEquals(Map.of(
                "/etc/", 0b001,
                "/etc/ssh/", 0b011,        // a path under /etc/ssh/ is under /etc/ too
                "/var/", 0b100), e.entries());
        assertEquals(0b111, e.members());
        assertEquals(0, e.always());
    }

    @Test
    void equalEndsWithNulAndTakesItsPrefixes() {
        Encoded e = GateEncoder.encode(List.of(prefix(0, "/etc/"), equal(1, "/etc/passwd"), equal(2, "/etc"), prefix(3, "/etc")));
        assertEquals(Map.of(
                "/etc", 0b1000,
                "/etc\0", 0b1100,          // "/etc" itself: Equal of slot 2, Prefix "/etc" of slot 3
                "/etc/", 0b1001,
                "/etc/passwd\0", 0b1011), e.entries());
    }

    @Test
    void alwaysMembersGetNoEntryAndNoBitInOthers() {
        Encoded e = GateEncoder.encode(List.of(prefix(0, "/etc/"), always(1), prefix(2, ""), prefix(3, "/etc/ssh/")));
        assertEquals(0b0110, e.always());    // no gate, and an empty Prefix (matches every string)
        assertEquals(0b1111, e.members());
        assertEquals(Map.of("/etc/", 0b0001, "/etc/ssh/", 0b1001), e.entries());
    }

    @Test
    void sameValueOfTwoMembersIsOneEntry() {
        Encoded e = GateEncoder.encode(List.of(prefix(4, "/tmp/", "/srv/"), prefix(31, "/tmp/")));
        assertEquals(Map.of("/srv/", 1 << 4, "/tmp/", (1 << 4) | (1 << 31)), e.entries());
    }

    @Test
    void keyAndConfigBytes() {
        byte[] k = GateEncoder.keyBytes("/a\0");
        assertEquals(260, k.length);
        assertArrayEquals(new byte[] {
            24, 0, 0, 0,                   // prefixlen: 3 bytes, the NUL included
            '/', 'a', 0, 0}, java.util.Arrays.copyOf(k, 8));
        Encoded e = GateEncoder.encode(List.of(prefix(0, "/x/"), equal(1, "/etc/passwd"), always(2)));
        byte[] c = GateEncoder.configBytes(e, 24);
        assertEquals(272, c.length);
        assertArrayEquals(new byte[] {
            0b111, 0, 0, 0,                // members
            0b100, 0, 0, 0,                // always
            24, 0,                         // gate_ctx_off
            1,                             // gate on
            2,                             // nheads
            0, 0, 0, 0,
            '/', 'e', 't', 'c', '/', 'p', 'a', 's',        // heads[0].val: "/etc/pas"
            -1, -1, -1, -1, -1, -1, -1, -1,                // heads[0].mask: 8 bytes
            '/', 'x', '/', 0, 0, 0, 0, 0,                  // heads[1].val: "/x/", shorter than 8
            -1, -1, -1, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(c, 48));
        assertArrayEquals(new byte[272 - 48], java.util.Arrays.copyOfRange(c, 48, 272), "unused heads are zero");
        assertEquals(0, GateEncoder.configBytes(e, 24, false)[11], "heads written, not in use");
        assertArrayEquals(java.util.Arrays.copyOfRange(c, 12, 272), java.util.Arrays.copyOfRange(GateEncoder.configBytes(e, 24, false), 12, 272));
        assertArrayEquals(new byte[] {
            0b100, 0, 0, 0, 0b100, 0, 0, 0, 0, 0,
            0,                             // no gated member: the dispatcher reads nothing
            0, 0, 0, 0, 0}, java.util.Arrays.copyOf(GateEncoder.configBytes(GateEncoder.encode(List.of(always(2))), 24), 16));
    }

    @Test
    void headsAreTheKeysFirstEightBytes() {
        Encoded e = GateEncoder.encode(List.of(prefix(0, "/srv/data/", "/srv/dat"), equal(1, "/etc/ab", "/e"), prefix(2, "/var/lib/x/")));
        // "/etc/ab\0" is 8 bytes with its NUL; "/e\0" is a head of 3 bytes; "/srv/dat" covers "/srv/data/"
        assertEquals(List.of("/e\0", "/etc/ab\0", "/srv/dat", "/var/lib"), e.heads());
        assertEquals(List.of(), GateEncoder.encode(List.of(always(0))).heads(), "no key, no head");
    }

    @Test
    void headsThatStartWithAnotherAreDropped() {
        Encoded e = GateEncoder.encode(List.of(prefix(0, "/etc/"), prefix(1, "/etc/ssh/"), equal(2, "/etc/passwd"), prefix(3, "/tmp/x")));
        assertEquals(List.of("/etc/", "/tmp/x"), e.heads(), "/etc/ssh and /etc/pas start with /etc/");
    }

    @Test
    void tooManyHeadsAreCutShorterUntilTheyFit() {
        List<String> seventeen = new java.util.ArrayList<>();
        for (int i = 0; i < 17; i++) {
            seventeen.add("/srv/" + (char) ('a' + i) + "x/");     // 17 heads "/srv/ax/" ... "/srv/qx/"
        }
        Encoded e = GateEncoder.encode(List.of(new Member(0, Optional.of(new Gate(List.of(), seventeen)))));
        assertEquals(List.of("/srv/"), e.heads(), "cut to 6 bytes they are still 17; at 5 bytes one");
        List<String> many = new java.util.ArrayList<>(seventeen);
        many.add("/var/a/");
        assertEquals(List.of("/srv/", "/var/"), GateEncoder.encode(List.of(prefix(0, many.toArray(String[]::new)))).heads());

        List<String> firstBytes = new java.util.ArrayList<>();
        for (int i = 0; i < 17; i++) {
            firstBytes.add((char) ('a' + i) + "/");                  // 17 different first bytes: no heads fit
        }
        Encoded none = GateEncoder.encode(List.of(prefix(0, firstBytes.toArray(String[]::new))));
        assertEquals(List.of(), none.heads());
        assertEquals(0, GateEncoder.configBytes(none, 24)[11], "nheads 0: every string is read");
        assertEquals(1, GateEncoder.configBytes(none, 24)[10], "gate still on");
    }

    @Test
    void headBytesRefuseBadLengths() {
        assertArrayEquals(new byte[] {'/', 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0}, GateEncoder.headBytes("/"));
        assertThrows(IllegalArgumentException.class, () -> GateEncoder.headBytes(""));
        assertThrows(IllegalArgumentException.class, () -> GateEncoder.headBytes("123456789"));
    }

    @Test
    void utf8ValuesAreStoredAsBytes() {
        Encoded e = GateEncoder.encode(List.of(prefix(0, "/é/")));
        assertEquals(Map.of("/\u00c3\u00a9/", 1), e.entries());   // é is C3 A9
    }

    @Test
    void diffUpsertsChangedAndDeletesStale() {
        Encoded before = GateEncoder.encode(List.of(prefix(0, "/etc/"), prefix(1, "/etc/ssh/"), prefix(2, "/var/")));
        Encoded after = GateEncoder.encode(List.of(prefix(1, "/etc/ssh/"), prefix(2, "/var/"), equal(0, "/opt/xy")));
        GateEncoder.Diff d = GateEncoder.diff(before, after);
        assertEquals(new TreeMap<>(Map.of("/etc/ssh/", 0b010, "/opt/xy\0", 0b001)), d.upserts());
        assertEquals(List.of("/etc/"), d.deletes());
        assertTrue(GateEncoder.diff(after, after).upserts().isEmpty());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GateEncoder.encode(List.of(prefix(0, "/a"), prefix(0, "/b"))));
        assertThrows(IllegalArgumentException.class, () -> prefix(32, "/a"));
        assertThrows(IllegalArgumentException.class, () -> new Gate(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> GateEncoder.encode(List.of(equal(0, "x".repeat(256)))));
        assertThrows(IllegalArgumentException.class, () -> GateEncoder.encode(List.of(prefix(0, "a\0b"))));
    }
}

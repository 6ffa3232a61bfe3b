package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java mirror of exec_bin_bits (lib/binaries.h), used to seed processes already running. */
class BinaryTableSetTest {
    private final BinaryTableSet t = new BinaryTableSet(Map.of("/usr/bin/curl", 0b1L), Map.of("/usr/", 0b10L, "/usr/bin/", 0b100L),
            Map.of("/sh", 0b1000L), 0b100L);

    @Test
    void exactPrefixAndPostfixBitsAdd() {
        assertEquals(0b111L, t.bitsOf("/usr/bin/curl"));
        assertEquals(0b1110L, t.bitsOf("/usr/bin/sh"));
        assertEquals(0b10L, t.bitsOf("/usr/sbin/curl"));
        assertEquals(0b1000L, t.bitsOf("/bin/sh"));
    }

    @Test
    void nearMissesGetNothing() {
        assertEquals(0b10L, t.bitsOf("/usr/bin"), "not under /usr/bin/, only under /usr/");
        assertEquals(0b110L, t.bitsOf("/usr/bin/curl2"), "not /usr/bin/curl");
        assertEquals(0L, t.bitsOf("/opt/usr/bin/curl"));
        assertEquals(0L, t.bitsOf("/bin/bash"));
        assertEquals(0L, BinaryTableSet.EMPTY.bitsOf("/usr/bin/curl"));
    }
}

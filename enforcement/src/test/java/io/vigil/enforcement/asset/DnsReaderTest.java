package io.vigil.enforcement.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class DnsReaderTest {
    @Test
    void pointerChainsEndAtTheLimit() throws Exception {
        DnsReader withinLimit = new DnsReader(chainOfPointers(DnsReader.MAX_POINTERS));
        assertEquals(new DnsReader.Name("a", withinLimit.length()), withinLimit.name(withinLimit.length() - 2));

        DnsReader pastLimit = new DnsReader(chainOfPointers(DnsReader.MAX_POINTERS + 1));
        assertThrows(DnsReader.Malformed.class, () -> pastLimit.name(pastLimit.length() - 2));
    }

    @Test
    void namesLongerThan255BytesAreRefused() throws Exception {
        String label63 = "x".repeat(63);
        byte[] fits = DnsPackets.name(String.join(".", label63, label63, label63, "x".repeat(61))); // 255 bytes
        byte[] tooLong = DnsPackets.name(String.join(".", label63, label63, label63, "x".repeat(62)));

        assertEquals(255, fits.length);
        assertEquals(253, new DnsReader(fits).name(0).text().length()); // 250 label bytes and 3 dots
        assertThrows(DnsReader.Malformed.class, () -> new DnsReader(tooLong).name(0));
    }

    /** The name "a" at 0, then {@code pointers} pointers each to the one before: the last follows them all. */
    private static byte[] chainOfPointers(int pointers) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(DnsPackets.name("a"));
        int previous = 0;
        for (int i = 0; i < pointers; i++) {
            int here = m.size();
            m.writeBytes(DnsPackets.pointer(previous));
            previous = here;
        }
        return m.toByteArray();
    }
}

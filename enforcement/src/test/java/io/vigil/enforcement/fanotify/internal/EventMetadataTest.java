package io.vigil.enforcement.fanotify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden bytes of struct fanotify_event_metadata and struct fanotify_response (little-endian hosts). */
class EventMetadataTest {
    static final byte[] OPEN_PERM = {
            0x18, 0x00, 0x00, 0x00, // event_len = 24
            0x03,                   // vers = FANOTIFY_METADATA_VERSION
            0x00,                   // reserved
            0x18, 0x00,             // metadata_len = 24
            0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // mask = FAN_OPEN_PERM (0x10000)
            0x07, 0x00, 0x00, 0x00, // fd = 7
            0x39, 0x30, 0x00, 0x00, // pid = 12345
    };
    static final byte[] EXEC_PERM = {
            0x18, 0x00, 0x00, 0x00, // event_len = 24
            0x03, 0x00, 0x18, 0x00, // vers 3, reserved, metadata_len 24
            0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, // mask = FAN_OPEN_EXEC_PERM (0x40000)
            (byte) 0xff, 0x00, 0x00, 0x00, // fd = 255
            0x01, 0x00, 0x00, 0x00, // pid = 1
    };

    @Test
    void decodesOneOpenPermissionEvent() {
        assumeLittleEndian();
        List<EventMetadata> out = new ArrayList<>();
        EventMetadata.decodeAll(ByteBuffer.wrap(OPEN_PERM), out);
        assertEquals(List.of(new EventMetadata(24, 3, 24, 0x10000L, 7, 12345)), out);
        assertTrue(out.get(0).isPermission());
        assertFalse(out.get(0).isExec());
    }

    @Test
    void decodesABatchOfTwoEvents() {
        assumeLittleEndian();
        ByteBuffer b = ByteBuffer.allocate(48).put(OPEN_PERM).put(EXEC_PERM).flip();
        List<EventMetadata> out = new ArrayList<>();
        EventMetadata.decodeAll(b, out);
        assertEquals(2, out.size());
        assertEquals(new EventMetadata(24, 3, 24, 0x40000L, 255, 1), out.get(1));
        assertTrue(out.get(1).isExec());
    }

    @Test
    void refusesAnotherMetadataVersion() {
        byte[] v4 = OPEN_PERM.clone();
        v4[4] = 4;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EventMetadata.decodeAll(ByteBuffer.wrap(v4), new ArrayList<>()));
        assertTrue(e.getMessage().contains("version 4"), e.getMessage());
    }

    @Test
    void refusesAnEventLongerThanTheRead() {
        assumeLittleEndian();
        byte[] longer = OPEN_PERM.clone();
        longer[0] = 48; // event_len 48 with 24 bytes read
        assertThrows(IllegalStateException.class, () -> EventMetadata.decodeAll(ByteBuffer.wrap(longer), new ArrayList<>()));
    }

    @Test
    void keepsTheEventsBeforeATruncatedTail() {
        assumeLittleEndian();
        ByteBuffer b = ByteBuffer.allocate(30).put(OPEN_PERM).put(new byte[6]).flip();
        List<EventMetadata> out = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> EventMetadata.decodeAll(b, out));
        assertEquals(1, out.size(), "the fd of the first event must still be answered");
    }

    @Test
    void encodesAResponse() {
        assumeLittleEndian();
        ByteBuffer b = ByteBuffer.allocate(Response.SIZEOF);
        Response.encode(b, 7, FanotifyLibC.FAN_DENY);
        assertArrayEquals(new byte[] {
                0x07, 0x00, 0x00, 0x00, // fd = 7
                0x02, 0x00, 0x00, 0x00, // response = FAN_DENY
        }, b.array());
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }

    private static void assumeLittleEndian() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "golden bytes are little-endian");
    }
}

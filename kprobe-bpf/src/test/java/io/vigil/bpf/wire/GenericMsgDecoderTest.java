package io.vigil.bpf.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** msg_generic records built byte by byte as generic_run.h / generic.h lay them out, decoded back. */
class GenericMsgDecoderTest {

    /** The fixed part, 56 bytes, with nargs as given. */
    private static ByteBuffer header(int nargs) {
        ByteBuffer h = ByteBuffer.allocate(GenericAbi.MsgGeneric.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, (byte) 4);                    // op = GENERIC
        h.putLong(8, 7_000_000_001L);          // ktime
        h.putInt(16, 4242);                    // process.pid
        h.putLong(24, 6_000_000_000L);         // process.ktime
        h.putInt(32, 4243);                    // tid
        h.putInt(36, 17);                      // hook_id
        h.putLong(40, -2L);                    // ret = -ENOENT
        h.put(48, (byte) 1);                   // selector 1 matched
        h.put(49, (byte) nargs);
        h.putShort(50, (short) GenericAbi.MsgFlag.RETURN);
        h.putInt(52, GenericAbi.Action.POST);
        return h;
    }

    private static byte[] arg(int flags, byte[] bytes) {
        ByteBuffer a = ByteBuffer.allocate(8 + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        a.putInt(0, bytes.length).putInt(4, flags).put(8, bytes);
        return a.array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v).array();
    }

    private static ByteBuffer record(int nargs, byte[]... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(nargs).array());
        for (byte[] a : args) {
            out.writeBytes(a);
        }
        byte[] r = out.toByteArray();
        ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).putInt(4, r.length); // common.size
        return ByteBuffer.wrap(r);
    }

    @Test
    void decodesHeaderAndArguments() throws Exception {
        byte[] path = "/etc/passwd".getBytes(StandardCharsets.UTF_8);
        ByteBuffer rec = record(3, arg(0, u64(-100L)), arg(0, path), arg(GenericAbi.ArgMsgFlag.ERROR, new byte[0]));
        GenericMsg m = assertInstanceOf(GenericMsg.class, MsgDecoder.decode(rec));
        assertEquals(7_000_000_001L, m.ktime());
        assertEquals(new ExecveKey(4242, 6_000_000_000L), m.process());
        assertEquals(4243, m.tid());
        assertEquals(17, m.hookId());
        assertEquals(-2L, m.ret());
        assertEquals(1, m.selector());
        assertTrue(m.hasReturn());
        assertFalse(m.monitored());
        assertEquals(GenericAbi.Action.POST, m.actions());
        assertEquals(3, m.args().size());
        assertEquals(-100L, ByteBuffer.wrap(m.args().get(0).bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertArrayEquals(path, m.args().get(1).bytes());
        assertFalse(m.args().get(1).error());
        assertTrue(m.args().get(2).error());
        assertEquals(0, m.args().get(2).length());
    }

    @Test
    void decodesAHookWithoutArgumentsOrSelectors() throws Exception {
        ByteBuffer rec = record(0);
        rec.order(ByteOrder.LITTLE_ENDIAN).put(48, (byte) 0xff).putShort(50, (short) 0);
        GenericMsg m = assertInstanceOf(GenericMsg.class, MsgDecoder.decode(rec));
        assertEquals(GenericMsg.NO_SELECTOR, m.selector());
        assertFalse(m.hasReturn());
        assertTrue(m.args().isEmpty());
    }

    @Test
    void keepsTheTruncatedFlagAndAFullSizeBuffer() throws Exception {
        byte[] full = new byte[GenericAbi.ARG_BYTES];
        full[4095] = 7;
        GenericMsg m = assertInstanceOf(GenericMsg.class,
                MsgDecoder.decode(record(1, arg(GenericAbi.ArgMsgFlag.TRUNCATED, full))));
        assertTrue(m.args().get(0).truncated());
        assertEquals(7, m.args().get(0).bytes()[4095]);
    }

    @Test
    void rejectsARecordShorterThanItsHeader() {
        ByteBuffer rec = record(0);
        ByteBuffer cut = ByteBuffer.wrap(rec.array(), 0, GenericAbi.MsgGeneric.SIZEOF - 1);
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(cut));
    }

    @Test
    void rejectsMoreArgumentsThanAHookHas() {
        byte[][] six = new byte[6][];
        for (int i = 0; i < 6; i++) {
            six[i] = arg(0, u64(i));
        }
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> MsgDecoder.decode(record(6, six)));
        assertTrue(e.getMessage().contains("6 arguments"), e.getMessage());
    }

    @Test
    void rejectsAnArgumentCutShort() {
        byte[] a = arg(0, "/etc/passwd".getBytes(StandardCharsets.UTF_8));
        ByteBuffer whole = record(1, a);
        for (int cut = GenericAbi.MsgGeneric.SIZEOF; cut < whole.capacity(); cut++) {
            ByteBuffer part = ByteBuffer.wrap(whole.array(), 0, cut);
            assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(part), "cut at " + cut);
        }
    }

    @Test
    void rejectsALengthBeyondTheRecordOrTheArgumentLimit() {
        byte[] a = arg(0, u64(1));
        ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -1); // len = 4294967295
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(record(1, a)));
        byte[] big = arg(0, new byte[GenericAbi.ARG_BYTES + 1]);
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(record(1, big)));
    }

    @Test
    void rejectsBytesAfterTheLastArgumentAndAnErrorWithBytes() {
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(record(1, arg(0, u64(1)), new byte[3])));
        assertThrows(MalformedRecordException.class,
                () -> MsgDecoder.decode(record(1, arg(GenericAbi.ArgMsgFlag.ERROR, u64(1)))));
    }

    @Test
    void garbageNeverEscapesAsAnotherException() {
        Random rnd = new Random(42);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[GenericAbi.MsgGeneric.SIZEOF + rnd.nextInt(200)];
            rnd.nextBytes(junk);
            junk[0] = 4;                          // op = GENERIC
            junk[49] = (byte) rnd.nextInt(8);     // nargs, sometimes legal
            try {
                MsgDecoder.decode(ByteBuffer.wrap(junk));
                decoded++;
            } catch (MalformedRecordException expected) {
                // the only failure allowed
            }
        }
        assertTrue(decoded < 20_000, "random bytes should mostly be rejected, decoded " + decoded);
    }
}

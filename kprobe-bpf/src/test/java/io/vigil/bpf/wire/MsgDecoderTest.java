package io.vigil.bpf.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records built byte by byte as the sensors lay them out (vigil_msg.h), decoded back. */
class MsgDecoderTest {

    private static ByteBuffer execRecord(String binary, byte[] argv, String cwd) {
        byte[] bin = binary.getBytes(StandardCharsets.UTF_8);
        byte[] wd = cwd.getBytes(StandardCharsets.UTF_8);
        int size = Layout.Exec.SIZEOF + bin.length + argv.length + wd.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 1);                       // op = EXEC
        b.putInt(4, size);                        // size
        b.putLong(8, 5_000_000_123L);             // ktime
        b.putInt(16, 4242);                       // process.pid
        b.putLong(24, 5_000_000_123L);            // process.ktime
        b.putInt(32, 100);                        // parent.pid
        b.putLong(40, 1_230_000_000L);            // parent.ktime
        b.putInt(48, 1000);                       // uid
        b.putInt(52, 0);                          // euid
        b.putInt(56, 1001);                       // gid
        b.putInt(60, 1002);                       // egid
        b.putInt(64, -1);                         // auid = 4294967295
        b.putInt(72, 4243);                       // tid
        b.putInt(76, ExecFlags.EXECVE | ExecFlags.TRUNC_ARGS);
        b.putLong(80, 77L);                       // cgroup_id
        b.putInt(88, bin.length);
        b.putInt(92, argv.length);
        b.putInt(96, wd.length);
        b.put(Layout.Exec.SIZEOF, bin);
        b.put(Layout.Exec.SIZEOF + bin.length, argv);
        b.put(Layout.Exec.SIZEOF + bin.length + argv.length, wd);
        return b;
    }

    @Test
    void decodesExec() throws Exception {
        byte[] argv = "echo\0hello\0\0world".getBytes(StandardCharsets.UTF_8);
        ExecMsg m = assertInstanceOf(ExecMsg.class, MsgDecoder.decode(execRecord("/usr/bin/echo", argv, "/tmp")));
        assertEquals(5_000_000_123L, m.ktime());
        assertEquals(new ExecveKey(4242, 5_000_000_123L), m.process());
        assertEquals(new ExecveKey(100, 1_230_000_000L), m.parent());
        assertEquals(1000, m.uid());
        assertEquals(0, m.euid());
        assertEquals(1001, m.gid());
        assertEquals(1002, m.egid());
        assertEquals(4294967295L, Integer.toUnsignedLong(m.auid()));
        assertEquals(4243, m.tid());
        assertEquals(ExecFlags.EXECVE | ExecFlags.TRUNC_ARGS, m.flags());
        assertEquals(77L, m.cgroupId());
        assertEquals("/usr/bin/echo", m.binary());
        assertEquals(List.of("echo", "hello", "", "world"), m.argv());
        assertEquals("/tmp", m.cwd());
        assertEquals(List.of("execve", "truncArgs"), ExecFlags.words(m.flags()));
    }

    @Test
    void decodesExitWithStatusAndSignal() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(Layout.Exit.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 2).putInt(4, 48).putLong(8, 99L).putInt(16, 7).putLong(24, 55L).putInt(32, 8).putInt(36, 3 << 8);
        ExitMsg m = assertInstanceOf(ExitMsg.class, MsgDecoder.decode(b));
        assertEquals(new ExecveKey(7, 55L), m.process());
        assertEquals(8, m.tid());
        assertEquals(3, m.status());
        assertEquals(0, m.signal());
        b.putInt(36, 9);
        ExitMsg killed = assertInstanceOf(ExitMsg.class, MsgDecoder.decode(b));
        assertEquals(9, killed.signal());
        assertEquals(0, killed.status());
    }

    @Test
    void decodesClone() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(Layout.Clone.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 3).putInt(4, 56).putLong(8, 10L).putInt(16, 11).putLong(24, 10L).putInt(32, 12)
                .putLong(40, 3L).putInt(48, 11).putInt(52, ExecFlags.CLONE);
        CloneMsg m = assertInstanceOf(CloneMsg.class, MsgDecoder.decode(b));
        assertEquals(new ExecveKey(11, 10L), m.process());
        assertEquals(new ExecveKey(12, 3L), m.parent());
        assertEquals(ExecFlags.CLONE, m.flags());
    }

    @Test
    void rejectsShortAndUnknownAndOverlongRecords() {
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(ByteBuffer.allocate(8)));
        ByteBuffer unknown = ByteBuffer.allocate(64);
        unknown.put(0, (byte) 77);
        assertTrue(assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(unknown))
                .getMessage().contains("77"));
        ByteBuffer exec = execRecord("/bin/x", new byte[0], "/");
        exec.order(ByteOrder.LITTLE_ENDIAN).putInt(88, 1 << 20); // binary_len beyond the record
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(exec));
        ByteBuffer exit = ByteBuffer.allocate(Layout.Exit.SIZEOF - 1);
        exit.put(0, (byte) 2);
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(exit));
    }
}

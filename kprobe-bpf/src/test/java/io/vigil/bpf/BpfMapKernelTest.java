package io.vigil.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.wire.Layout;
import io.vigil.bpf.wire.StatIndex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** BpfMap on the sensors' maps, loaded but not attached (so nothing else writes to them). */
@Tag("kernel")
class BpfMapKernelTest {

    @BeforeAll
    static void root() {
        KernelTests.assumeRoot();
    }

    static byte[] execveValue(int pid, long ktime, int ppid, long pktime, int flags) {
        ByteBuffer b = ByteBuffer.allocate(Layout.ExecveMapValue.SIZEOF).order(ByteOrder.nativeOrder());
        b.putInt(Layout.ExecveMapValue.KEY + Layout.ExecveKey.PID, pid);
        b.putLong(Layout.ExecveMapValue.KEY + Layout.ExecveKey.KTIME, ktime);
        b.putInt(Layout.ExecveMapValue.PKEY + Layout.ExecveKey.PID, ppid);
        b.putLong(Layout.ExecveMapValue.PKEY + Layout.ExecveKey.KTIME, pktime);
        b.putInt(Layout.ExecveMapValue.FLAGS, flags);
        return b.array();
    }

    @Test
    void execveMapUpdateLookupIterateDelete() throws Exception {
        try (KernelTests.Sensors s = KernelTests.Sensors.loadTracepoint(false)) {
            BpfMap m = s.map("execve_map");
            assertEquals(1, m.type()); // BPF_MAP_TYPE_HASH
            assertEquals(4, m.keySize());
            assertEquals(Layout.ExecveMapValue.SIZEOF, m.valueSize());
            assertEquals(65536, m.maxEntries());
            assertFalse(m.isPerCpu());

            assertTrue(m.keys().isEmpty(), "fresh map, not attached: empty");
            assertNull(m.lookup(4242));
            assertFalse(m.delete(4242));

            byte[] v1 = execveValue(4242, 1_000_000_123L, 1, 5_000L, 0x02);
            byte[] v2 = execveValue(4343, 2_000_000_456L, 4242, 1_000_000_123L, 0x05);
            m.update(4242, v1);
            m.update(4343, v2);
            assertArrayEquals(v1, m.lookup(4242));
            assertArrayEquals(v2, m.lookup(4343));
            assertEquals(List.of(4242, 4343), m.intKeys().stream().sorted().collect(Collectors.toList()));
            assertEquals(2, m.keys().size());

            BpfException exists = assertThrows(BpfException.class,
                    () -> m.update(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 4242).array(), v2, BpfMap.NOEXIST));
            assertEquals("EEXIST", exists.errnoName(), exists.getMessage());
            BpfException absent = assertThrows(BpfException.class,
                    () -> m.update(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 99).array(), v2, BpfMap.EXIST));
            assertEquals("ENOENT", absent.errnoName(), absent.getMessage());

            m.update(4242, v2); // replace
            assertArrayEquals(v2, m.lookup(4242));

            assertTrue(m.delete(4242));
            assertNull(m.lookup(4242));
            assertFalse(m.delete(4242));
            assertEquals(List.of(4343), m.intKeys());
            assertTrue(m.delete(4343));
            assertTrue(m.keys().isEmpty());

            assertThrows(IllegalArgumentException.class, () -> m.update(1, new byte[39]), "value size checked");
            assertThrows(IllegalArgumentException.class, () -> m.lookup(1L), "8-byte key on a 4-byte-key map");
            assertThrows(IllegalArgumentException.class, () -> m.sumPerCpu(0), "not a per-CPU map");
        }
    }

    @Test
    void perCpuCountersSumOverCpus() throws Exception {
        try (KernelTests.Sensors s = KernelTests.Sensors.loadTracepoint(false)) {
            BpfMap stats = s.map("vigil_stats");
            int cpus = BpfMap.possibleCpus();
            assertTrue(stats.isPerCpu());
            assertEquals(StatIndex.MAX, stats.maxEntries());
            assertEquals(8 * cpus, stats.valueBytes());

            int idx = StatIndex.RINGBUF_FULL.index();
            assertEquals(0, stats.sumPerCpu(idx));
            ByteBuffer b = ByteBuffer.allocate(stats.valueBytes()).order(ByteOrder.nativeOrder());
            long expected = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                b.putLong(8 * cpu, 1000L * (cpu + 1) + 7);
                expected += 1000L * (cpu + 1) + 7;
            }
            stats.update(idx, b.array());
            assertEquals(expected, stats.sumPerCpu(idx));
            assertArrayEquals(b.array(), stats.lookup(idx));
            assertEquals(0, stats.sumPerCpu(StatIndex.EVENTS_SENT.index()), "other slots untouched");
            assertThrows(IllegalArgumentException.class, () -> stats.sumPerCpu(StatIndex.MAX));
            assertEquals(StatIndex.MAX, stats.intKeys().size(), "an array has all its keys");
            BpfException del = assertThrows(BpfException.class, () -> stats.delete(idx));
            assertEquals("EINVAL", del.errnoName());
        }
    }
}

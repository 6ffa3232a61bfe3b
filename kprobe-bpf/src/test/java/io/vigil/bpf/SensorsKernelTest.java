package io.vigil.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.wire.CloneMsg;
import io.vigil.bpf.wire.ExecMsg;
import io.vigil.bpf.wire.ExitMsg;
import io.vigil.bpf.wire.Msg;
import io.vigil.bpf.wire.MsgDecoder;
import io.vigil.bpf.wire.StatIndex;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The tracepoint sensors in the kernel: a process run from here shows up in the ring buffer. */
@Tag("kernel")
class SensorsKernelTest {

    @BeforeAll
    static void root() {
        KernelTests.assumeRoot();
    }

    @Test
    void execAndExitOfBinTrueArriveInOrder() throws Exception {
        try (KernelTests.Sensors s = KernelTests.Sensors.loadTracepoint(true)) {
            // one map each, shared: the fork and exit objects reused the exec object's maps
            for (String m : KernelTests.SHARED_MAPS) {
                assertEquals(s.map(m).fd(), s.objects.get(0).map(m).fd());
            }
            List<byte[]> records = new ArrayList<>();
            try (RingBuffer rb = RingBuffer.open(s.map("events"), (data, size) -> {
                byte[] b = new byte[size];
                data.get(0, b, 0, size);
                records.add(b);
            })) {
                Process p = new ProcessBuilder("/bin/true").start();
                long pid = p.pid();
                assertEquals(0, p.waitFor());

                ExecMsg exec = null;
                ExitMsg exit = null;
                CloneMsg clone = null;
                List<Msg> ours = new ArrayList<>();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while ((exec == null || exit == null) && System.nanoTime() < deadline) {
                    // wake-ups are batched: a poll that times out is followed by a consume
                    rb.poll(100);
                    rb.consume();
                    for (byte[] r : records) {
                        Msg m = MsgDecoder.decode(ByteBuffer.wrap(r));
                        if (m instanceof ExecMsg && ((ExecMsg) m).process().pid() == pid) {
                            ours.add(m);
                            if (((ExecMsg) m).binary().endsWith("/true")) {
                                exec = (ExecMsg) m;
                            }
                        } else if (m instanceof ExitMsg && ((ExitMsg) m).process().pid() == pid) {
                            ours.add(m);
                            assertNotNull(exec, "EXIT of " + pid + " before its EXEC of /true: " + ours);
                            exit = (ExitMsg) m;
                        } else if (m instanceof CloneMsg && ((CloneMsg) m).process().pid() == pid) {
                            ours.add(m);
                            clone = (CloneMsg) m;
                        }
                    }
                    records.clear();
                }
                assertNotNull(exec, "no EXEC record of /true with pid " + pid + " within 10 s; records of this pid: " + ours);
                assertNotNull(exit, "no EXIT record for pid " + pid + " within 10 s; records of this pid: " + ours);
                assertTrue(exec.binary().endsWith("/true"), exec.binary());
                assertEquals(List.of("/bin/true"), exec.argv());
                assertEquals(exec.process(), exit.process(), "the exit names the incarnation the exec made");
                assertEquals(0, exit.status());
                assertNotNull(clone, "no CLONE record for pid " + pid + ": " + ours);
                assertEquals(ProcessHandle.current().pid(), exec.parent().pid(), "parent of the child is this JVM");
                assertEquals(clone.parent(), exec.parent());
                System.err.println("SensorsKernelTest: records of pid " + pid + ":\n  "
                        + ours.stream().map(Object::toString).collect(Collectors.joining("\n  ")));
            }
            assertTrue(s.map("vigil_stats").sumPerCpu(StatIndex.EVENTS_SENT.index()) >= 3, "events_sent counter");
        }
    }

    @Test
    void handlerExceptionStopsConsumeAndIsRethrown() throws Exception {
        try (KernelTests.Sensors s = KernelTests.Sensors.loadTracepoint(true)) {
            IllegalStateException boom = new IllegalStateException("handler failed on purpose");
            int[] calls = {0};
            try (RingBuffer rb = RingBuffer.open(s.map("events"), (data, size) -> {
                calls[0]++;
                throw boom;
            })) {
                new ProcessBuilder("/bin/true").start().waitFor();
                long deadline = System.nanoTime() + 10_000_000_000L;
                IllegalStateException thrown = null;
                while (thrown == null && System.nanoTime() < deadline) {
                    try {
                        rb.poll(50);
                        rb.consume();
                    } catch (IllegalStateException e) {
                        thrown = e;
                    }
                }
                assertSame(boom, thrown);
                assertEquals(1, calls[0], "consume stops at the first failing record");
            }
            RingBuffer closed = RingBuffer.open(s.map("events"), (d, n) -> { });
            closed.close();
            assertThrows(IllegalStateException.class, closed::consume);
            assertThrows(IllegalArgumentException.class, () -> RingBuffer.open(s.map("execve_map"), (d, n) -> { }));
        }
    }
}

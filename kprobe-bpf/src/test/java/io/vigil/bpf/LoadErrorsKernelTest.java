package io.vigil.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.internal.KernelFacts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What a refused program looks like: errno, program, log, and a message that says what to do. */
@Tag("kernel")
class LoadErrorsKernelTest {

    @BeforeAll
    static void root() {
        KernelTests.assumeRoot();
    }

    @Test
    void fentryForkSensor() throws Exception {
        try (BpfObject o = BpfObject.openResource("/bpf/bpf_fork.bpf.o")) {
            for (String p : o.programNames()) {
                o.setAutoload(p, p.equals("vigil_fork_fentry"));
            }
            if (KernelTests.expectedBackend() == Backend.FENTRY) {
                o.load(); // a distro kernel: fentry works
                try (BpfLink l = o.program("vigil_fork_fentry").attach()) {
                    assertTrue(l.fd() >= 0);
                }
                return;
            }
            BpfLoadException e = assertThrows(BpfLoadException.class, o::load);
            String msg = e.getMessage();
            System.err.println("LoadErrorsKernelTest: the refusal reads:\n" + msg);
            assertEquals(1, e.errno(), msg);
            assertEquals("EPERM", e.errnoName());
            assertEquals("vigil_fork_fentry", e.program(), msg);
            assertTrue(msg.startsWith("cannot load program 'vigil_fork_fentry' (fentry/wake_up_new_task) of bpf_fork.bpf.o: "
                    + "Operation not permitted (EPERM, errno 1). "), msg);
            assertTrue(msg.contains("This kernel refuses fentry/LSM programs; the tracepoint backend is used"), msg);
            assertTrue(e.log().contains("vigil_fork_fentry"), "libbpf's log names the program: " + e.log());
            String lastLogLine = e.log().stripTrailing().lines().reduce((a, b) -> b).orElseThrow();
            assertTrue(msg.endsWith(lastLogLine), "the message ends with the log's tail:\n" + msg);
            assertTrue(msg.contains("libbpf/verifier log, last "), msg);
        }
    }

    @Test
    void kprobeAttachWithoutKprobes() throws Exception {
        try (BpfObject o = BpfObject.openResource("/bpf/bpf_fork.bpf.o")) {
            for (String p : o.programNames()) {
                o.setAutoload(p, p.equals("vigil_fork_kprobe"));
            }
            o.load(); // kprobe programs load everywhere; attaching needs kprobes
            BpfProgram prog = o.program("vigil_fork_kprobe");
            if (KernelFacts.hasKprobePmu()) {
                try (BpfLink l = prog.attach()) {
                    assertTrue(!l.isClosed());
                }
                return;
            }
            BpfException e = assertThrows(BpfException.class, prog::attach);
            String msg = e.getMessage();
            System.err.println("LoadErrorsKernelTest: the kprobe refusal reads:\n" + msg);
            assertTrue(msg.startsWith("cannot attach program 'vigil_fork_kprobe' (kprobe/wake_up_new_task): "), msg);
            assertTrue(msg.contains("This kernel has no kprobes"), msg);
            assertTrue(msg.contains("tracepoint backend"), msg);
        }
    }

    @Test
    void misuseIsReportedBeforeTheKernelIsAsked() throws Exception {
        try (BpfObject o = BpfObject.openResource("/bpf/bpf_exit.bpf.o")) {
            assertEquals(java.util.List.of("vigil_exit_tp", "vigil_exit_kprobe", "vigil_exit_fentry"), o.programNames());
            assertTrue(o.mapNames().containsAll(KernelTests.SHARED_MAPS), o.mapNames().toString());
            assertThrows(IllegalArgumentException.class, () -> o.program("nope"));
            assertThrows(IllegalStateException.class, () -> o.map("events"), "maps need load()");
            assertTrue(o.autoload("vigil_exit_fentry"), "libbpf autoloads every program by default");
            for (String p : o.programNames()) {
                o.setAutoload(p, p.equals("vigil_exit_tp"));
            }
            assertTrue(o.autoload("vigil_exit_tp"));
            assertFalse(o.autoload("vigil_exit_fentry"));
            assertFalse(o.autoload("vigil_exit_kprobe"));
            BpfException bad = assertThrows(BpfException.class, () -> o.reuseMap("events", 987654));
            assertTrue(bad.errno() == 9 || bad.errno() == 77, bad.getMessage()); // EBADF, or EBADFD from libbpf's fdinfo fallback
            assertTrue(bad.getMessage().contains(". The fd is not an open BPF map"), bad.getMessage());
            o.load();
            IllegalStateException notLoaded = assertThrows(IllegalStateException.class, () -> o.program("vigil_exit_fentry").attach());
            assertTrue(notLoaded.getMessage().contains("autoload was off"), notLoaded.getMessage());
            assertThrows(IllegalStateException.class, () -> o.setAutoload("vigil_exit_tp", true));
            o.close();
            assertTrue(o.isClosed());
            o.close(); // idempotent
        }
    }
}

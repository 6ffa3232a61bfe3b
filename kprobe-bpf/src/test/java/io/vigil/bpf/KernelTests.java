package io.vigil.bpf;

import io.vigil.bpf.internal.KernelFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/** Shared by the tests tagged "kernel": the root check, the expectations for this kernel, the sensors. */
public final class KernelTests {
    /** The maps the sensors share by name (one events ring buffer, one process table, one set of counters). */
    public static final List<String> SHARED_MAPS = List.of("events", "execve_map", "vigil_stats");

    private KernelTests() {}

    /** Skips (loudly) only when `id -u` is not 0; CI runs as root, so there the kernel tests run. */
    public static void assumeRoot() {
        String uid;
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
        } catch (IOException e) {
            throw new AssertionError("cannot run `id -u`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (!"0".equals(uid)) {
            String msg = "KERNEL TEST SKIPPED: `id -u` is " + uid + ", not 0 — BPF programs need root. "
                    + "Run the build as root to run the kernel tests.";
            System.err.println("\n************************************************************\n" + msg
                    + "\n************************************************************\n");
            Assumptions.abort(msg);
        }
    }

    /**
     * The backend this kernel should get. -Dvigil.test.expectBackend=fentry|kprobe|tracepoint says
     * it outright (for the distro kernels in QEMU); else a kernel without a kprobe PMU is taken to be
     * this sandbox's 6.18, which refuses fentry/fexit/LSM at load (EPERM) and has no kprobes, and a
     * kernel with one to be a distro kernel, where fentry works.
     */
    static Backend expectedBackend() {
        String forced = System.getProperty("vigil.test.expectBackend", "").trim();
        if (!forced.isEmpty()) {
            return Backend.ofDisplayName(forced.toLowerCase(Locale.ROOT));
        }
        return KernelFacts.hasKprobePmu() ? Backend.FENTRY : Backend.TRACEPOINT;
    }

    /** The base sensors loaded with their tracepoint variants, maps shared, attached. */
    public static final class Sensors implements AutoCloseable {
        public final List<BpfObject> objects = new ArrayList<>();
        final List<BpfLink> links = new ArrayList<>();
        public final java.util.Map<String, BpfMap> shared = new java.util.LinkedHashMap<>();

        public static Sensors loadTracepoint(boolean attach) throws BpfException {
            Sensors s = new Sensors();
            try {
                s.add("bpf_exec", "vigil_exec_tp", attach);
                s.add("bpf_fork", "vigil_fork_rawtp", attach);
                s.add("bpf_exit", "vigil_exit_tp", attach);
                return s;
            } catch (BpfException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        private void add(String object, String program, boolean attach) throws BpfException {
            BpfObject o = BpfObject.openResource("/bpf/" + object + ".bpf.o");
            objects.add(o);
            for (String p : o.programNames()) {
                o.setAutoload(p, p.equals(program));
            }
            for (String m : SHARED_MAPS) {
                if (shared.containsKey(m)) {
                    o.reuseMap(m, shared.get(m).fd());
                }
            }
            o.load();
            for (String m : SHARED_MAPS) {
                shared.putIfAbsent(m, o.map(m));
            }
            if (attach) {
                links.add(o.program(program).attach());
            }
        }

        public BpfMap map(String name) {
            return shared.get(name);
        }

        @Override
        public void close() {
            for (int i = links.size() - 1; i >= 0; i--) {
                links.get(i).close();
            }
            objects.forEach(BpfObject::close);
        }
    }
}

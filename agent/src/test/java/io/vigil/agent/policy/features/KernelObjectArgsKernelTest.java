package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.bash;
import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.bpf.Backend;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.agent.policy.runtime.PolicyManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel-object argument types sent as a string (generic_kobj.h): dentry (path_arg), kiocb
 * (file_arg), net_device (net_dev_arg), on the kernel functions of Tetragon's examples or their
 * kin. Each hook is triggered for real; a string filter lets the hit through and not the near miss.
 * These are kprobe/fentry hooks on kernel functions no tracepoint stands for, so the test runs in
 * the VM harness (-Dvigil.test.backend=kprobe|fentry) and skips loudly on the tracepoint backend.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class KernelObjectArgsKernelTest extends FeatureKernelTest {

    @BeforeAll
    static void requireKprobes() {
        Backend b = KernelTestSupport.backend().orElse(Backend.TRACEPOINT);
        if (b == Backend.TRACEPOINT) {
            System.err.println("!!! SKIPPING KernelObjectArgsKernelTest: the tracepoint backend cannot attach kprobes or "
                    + "fentry (this host's kernel refuses them); run it in the VM harness with -Dvigil.test.backend=kprobe");
        }
        assumeTrue(b != Backend.TRACEPOINT, "dentry, kiocb and net_device hooks need the kprobe or fentry backend");
    }

    /** security_inode_follow_link's dentry (security_inode_follow_link.yaml): the symlink being followed. */
    @Test
    void dentry() throws Exception {
        Path d = dir("links");
        Path target = file("links/target");
        Files.createSymbolicLink(d.resolve("link-hit"), target);
        Files.createSymbolicLink(d.resolve("link-miss"), target);
        apply("kobj-dentry", """
                kprobes:
                - call: "security_inode_follow_link"
                  syscall: false
                  args:
                  - index: 0
                    type: "dentry"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Postfix"
                      values: ["/link-hit"]
                """);
        long hit = bash("exec cat " + d.resolve("link-hit") + " > /dev/null");
        long miss = bash("exec cat " + d.resolve("link-miss") + " > /dev/null");
        JsonNode e = events.awaitOne("kobj-dentry", hit);
        // a dentry has no mount: the path is inside its filesystem, whose root may be above or at /tmp
        String path = e.at("/args/0/path_arg/path").asText();
        assertTrue(path.endsWith("/" + d.getFileName() + "/link-hit") && path.startsWith("/"), e.toString());
        events.assertNone("kobj-dentry", miss);
    }

    /**
     * pipe_write's kiocb (as tty.yaml's tty_write, which the VM has no tty for): the FIFO's path.
     * kiocb takes no string filter (as in Tetragon), so the near miss is a selector on the binary.
     */
    @Test
    void kiocb() throws Exception {
        Path fifo = dir("watched").resolve("fifo");
        String hook = """
                kprobes:
                - call: "pipe_write"
                  syscall: false
                  args:
                  - index: 0
                    type: "kiocb"
                """;
        apply("kobj-kiocb", hook);
        apply("kobj-kiocb-miss", hook + """
                  selectors:
                  - matchBinaries:
                    - operator: "In"
                      values: ["/usr/bin/vigil-no-such-binary"]
                """);
        long pid = python("""
                import os
                p = "%s"
                os.mkfifo(p)
                fd = os.open(p, os.O_RDWR)
                os.write(fd, b"vigil")
                """.formatted(fifo));
        JsonNode e = events.await("kobj-kiocb", pid, n -> n.at("/args/0/file_arg/path").asText().equals(fifo.toString()));
        assertEquals(fifo.toString(), e.at("/args/0/file_arg/path").asText(), e.toString());
        events.assertNone("kobj-kiocb-miss", pid);
    }

    /** dev_hard_start_xmit's net_device (dev_hard_start_xmit.yaml): a UDP datagram to 127.0.0.1 leaves by lo. */
    @Test
    void netDevice() throws Exception {
        String hook = """
                kprobes:
                - call: "dev_hard_start_xmit"
                  syscall: false
                  args:
                  - index: 1
                    type: "net_device"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Equal"
                      values: ["%s"]
                """;
        apply("kobj-netdev", hook.formatted("lo"));
        apply("kobj-netdev-miss", hook.formatted("vigil-none0"));
        long pid = python("""
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.sendto(b"vigil", ("127.0.0.1", 9))
                """);
        JsonNode e = events.awaitOne("kobj-netdev", pid);
        assertEquals("lo", e.at("/args/0/net_dev_arg/name").asText(), e.toString());
        events.assertNone("kobj-netdev-miss", pid);
    }

    /** The bpf(2) calls of a python3 process: BPF_PROG_LOAD of a 2-instruction socket filter, BPF_MAP_CREATE of a hash. */
    private static final String BPF = """
            import ctypes, os, struct
            libc = ctypes.CDLL(None, use_errno=True)
            def bpf(cmd, attr):
                buf = ctypes.create_string_buffer(attr, 128)
                fd = libc.syscall(321, cmd, buf, 128)   # __NR_bpf on x86_64
                if fd < 0:
                    raise OSError(ctypes.get_errno(), "bpf(%d)" % cmd)
                os.close(fd)
            insns = ctypes.create_string_buffer(struct.pack("<BBhiBBhi", 0xb7, 0, 0, 0, 0x95, 0, 0, 0), 16)   # r0 = 0; exit
            lic = ctypes.create_string_buffer(b"GPL")
            # BPF_PROG_LOAD: prog_type 1 (SOCKET_FILTER), insn_cnt, insns, license, log fields, kern_version, flags, prog_name
            bpf(5, struct.pack("<IIQQIIQII16s", 1, 2, ctypes.addressof(insns), ctypes.addressof(lic), 0, 0, 0, 0, 0, b"vigil_prog"))
            # BPF_MAP_CREATE: map_type 1 (HASH), key_size 4, value_size 8, max_entries 16, flags, inner fd, numa node, map_name
            bpf(0, struct.pack("<IIIIIII16s", 1, 4, 8, 16, 0, 0, 0, b"vigil_map"))
            """;

    /** bpf.yaml's bpf_check (bpf_attr) and the map LSM hook (bpf_map, security_bpf_map_alloc before 6.9). */
    @Test
    void bpfAttrAndBpfMap() throws Exception {
        String mapHook = Files.readString(Path.of("/proc/kallsyms")).contains(" security_bpf_map_create\n")
                ? "security_bpf_map_create" : "security_bpf_map_alloc";
        apply("kobj-bpf", """
                kprobes:
                - call: "bpf_check"
                  syscall: false
                  args:
                  - index: 1
                    type: "bpf_attr"
                - call: "%s"
                  syscall: false
                  args:
                  - index: 0
                    type: "bpf_map"
                """.formatted(mapHook));
        // the near miss: the same hook, a selector on the binary that python3 is not
        apply("kobj-bpf-miss", """
                kprobes:
                - call: "bpf_check"
                  syscall: false
                  args:
                  - index: 1
                    type: "bpf_attr"
                  selectors:
                  - matchBinaries:
                    - operator: "In"
                      values: ["/usr/bin/vigil-no-such-binary"]
                """);
        long pid = python(BPF);
        JsonNode p = events.await("kobj-bpf", pid, n -> n.at("/function_name").asText().equals("bpf_check"));
        assertEquals("BPF_PROG_TYPE_SOCKET_FILTER", p.at("/args/0/bpf_attr_arg/ProgType").asText(), p.toString());
        assertEquals(2, p.at("/args/0/bpf_attr_arg/InsnCnt").asInt(), p.toString());
        assertEquals("vigil_prog", p.at("/args/0/bpf_attr_arg/ProgName").asText(), p.toString());
        JsonNode m = events.await("kobj-bpf", pid, n -> n.at("/function_name").asText().equals(mapHook));
        assertEquals("BPF_MAP_TYPE_HASH", m.at("/args/0/bpf_map_arg/MapType").asText(), m.toString());
        assertEquals(4, m.at("/args/0/bpf_map_arg/KeySize").asInt(), m.toString());
        assertEquals(8, m.at("/args/0/bpf_map_arg/ValueSize").asInt(), m.toString());
        assertEquals(16, m.at("/args/0/bpf_map_arg/MaxEntries").asInt(), m.toString());
        assertEquals("vigil_map", m.at("/args/0/bpf_map_arg/MapName").asText(), m.toString());
        events.assertNone("kobj-bpf-miss", pid);
    }

    /**
     * cap_capable's user namespace (creds-capability-usage.yaml): CAP_SYS_NICE (23) checked in the
     * initial namespace when python3 lowers its nice value. (A new user namespace is not tried: the
     * VM's root refuses unshare(CLONE_NEWUSER) with EPERM.)
     */
    @Test
    void userNamespace() throws Exception {
        apply("kobj-userns", """
                kprobes:
                - call: "cap_capable"
                  syscall: false
                  args:
                  - index: 1
                    type: "user_namespace"
                  - index: 2
                    type: "int"
                  selectors:
                  - matchArgs:
                    - index: 2
                      operator: "Equal"
                      values: ["23"]   # CAP_SYS_NICE
                """);
        long host = python("import os\nos.nice(-1)\n");
        long miss = python("import os\nos.nice(1)\n");   // raising the nice value needs no capability
        JsonNode h = events.await("kobj-userns", host, n -> n.at("/args/1/int_arg").asInt() == 23);
        assertEquals(0, h.at("/args/0/user_ns_arg/level").asInt(), h.toString());
        assertEquals(4026531837L, h.at("/args/0/user_ns_arg/ns/inum").asLong(), h.toString());
        assertTrue(h.at("/args/0/user_ns_arg/ns/is_host").asBoolean(), h.toString());
        events.assertNone("kobj-userns", miss);
    }

    /** perf_event_open(2) from python3 (ctypes) with perf_event_attr's type, config and config1 (a pointer to func). */
    private static String perfEventOpen(String type, int config, String func) {
        return """
                import ctypes, os, struct
                libc = ctypes.CDLL(None, use_errno=True)
                func = ctypes.create_string_buffer(b"%s")
                # type, size, config, sample_period, sample_type, read_format, flags (disabled), wakeup_events, bp_type,
                # config1 (kprobe_func), config2 (probe_offset)
                attr = ctypes.create_string_buffer(struct.pack("<IIQQQQQIIQQ", %s, 128, %d, 0, 0, 0, 1, 0, 0,
                                                               ctypes.addressof(func), 0), 128)
                fd = libc.syscall(298, attr, -1, 0, -1, 0)   # __NR_perf_event_open on x86_64: any task, cpu 0
                if fd < 0:
                    raise OSError(ctypes.get_errno(), "perf_event_open")
                os.close(fd)
                """.formatted(func, type, config);
    }

    /**
     * bpf.yaml's security_perf_event_alloc: a kprobe event on do_nanosleep (the kprobe PMU's dynamic
     * type; kprobe_func read from the caller's memory) and, as the near miss, a software event whose
     * config1 also points at a string, which must not be reported as a kprobe_func.
     */
    @Test
    void perfEvent() throws Exception {
        apply("kobj-perf", """
                kprobes:
                - call: "security_perf_event_alloc"
                  syscall: false
                  args:
                  - index: 0
                    type: "perf_event"
                """);
        long kprobe = python(perfEventOpen("int(open('/sys/bus/event_source/devices/kprobe/type').read())", 0, "do_nanosleep"));
        long software = python(perfEventOpen("1", 9, "vigil_not_a_kprobe"));   // PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY
        int kprobeType = Integer.parseInt(Files.readString(Path.of("/sys/bus/event_source/devices/kprobe/type")).trim());
        JsonNode k = events.await("kobj-perf", kprobe, n -> n.at("/args/0/perf_event_arg/kprobe_func").asText().equals("do_nanosleep"));
        // Tetragon's names: 0..6 (6 as PERF_TYPE_MAX), a dynamic PMU's number in decimal
        assertEquals(kprobeType == 6 ? "PERF_TYPE_MAX" : Integer.toString(kprobeType), k.at("/args/0/perf_event_arg/type").asText(),
                k.toString());
        assertTrue(k.at("/args/0/perf_event_arg/config").isMissingNode(), k.toString());   // 0: left out
        JsonNode s = events.await("kobj-perf", software, n -> n.at("/args/0/perf_event_arg/type").asText().equals("PERF_TYPE_SOFTWARE"));
        assertEquals("9", s.at("/args/0/perf_event_arg/config").asText(), s.toString());
        assertTrue(s.at("/args/0/perf_event_arg/kprobe_func").isMissingNode(), s.toString());
        assertTrue(s.at("/args/0/perf_event_arg/probe_offset").isMissingNode(), s.toString());
    }

    /** 5000 bytes 0, 1, ... 250, 0, 1 ...: longer than the 4096 an argument carries. */
    private static byte[] pattern() {
        byte[] b = new byte[5000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    private static byte[] bytesArg(JsonNode e, int i) {
        return Base64.getDecoder().decode(e.at("/args/" + i + "/bytes_arg").asText());
    }

    /**
     * pipe_write's iov_iter (the shape of tty.yaml's tty_write, with maxData): write(2) (ITER_UBUF on
     * both VM kernels), writev(2) of two segments (ITER_IOVEC: the first segment only) and a write of
     * 5000 bytes (cut at 4096). The near miss is the same hook with a selector on another binary.
     */
    @Test
    void iovIter() throws Exception {
        String hook = """
                kprobes:
                - call: "pipe_write"
                  syscall: false
                  args:
                  - index: 0
                    type: "kiocb"
                  - index: 1
                    type: "iov_iter"
                    maxData: true
                """;
        apply("kobj-iov", hook);
        apply("kobj-iov-miss", hook + """
                  selectors:
                  - matchBinaries:
                    - operator: "In"
                      values: ["/usr/bin/vigil-no-such-binary"]
                """);
        long pid = python("""
                import os
                r, w = os.pipe()
                os.write(w, b"vigil-ubuf")
                os.writev(w, [b"vigil-seg1", b"-seg2"])
                os.write(w, bytes(i % 251 for i in range(5000)))
                """);
        events.await("kobj-iov", pid, n -> Arrays.equals(bytesArg(n, 1), "vigil-ubuf".getBytes(StandardCharsets.US_ASCII)));
        events.await("kobj-iov", pid, n -> Arrays.equals(bytesArg(n, 1), "vigil-seg1".getBytes(StandardCharsets.US_ASCII)));
        JsonNode big = events.await("kobj-iov", pid, n -> bytesArg(n, 1).length > 100);
        assertArrayEquals(Arrays.copyOf(pattern(), 4096), bytesArg(big, 1), "the first 4096 bytes");
        events.assertNone("kobj-iov-miss", pid);
    }

    /**
     * Tetragon's own bpf.yaml and tty.yaml, read in place, load and run (the host's / is the VM's);
     * tty.yaml then reports a write to a pseudo-terminal when the VM has one (devpts).
     */
    @Test
    void tetragonExamplesLoad() throws Exception {
        Path dir = Path.of(System.getProperty("vigil.tetragon.examples", "/work/shared/tetragon-examples"));
        assumeTrue(Files.isDirectory(dir), "no Tetragon examples at " + dir);
        for (String f : List.of("bpf.yaml", "tty.yaml")) {
            PolicyKernelTests.apply(agent, dir.resolve(f));
        }
        for (PolicyManager.Status st : agent.policies().orElseThrow().list()) {
            assertEquals(PolicyManager.State.RUNNING, st.state(), st.toString());
        }
        assertEquals(2, agent.policies().orElseThrow().list().size());
        Process p = new ProcessBuilder("python3", "-c", """
                import os, sys
                try:
                    m, s = os.openpty()
                except OSError as e:
                    print("no pty:", e)
                    sys.exit(3)
                os.write(s, b"vigil-tty")
                """).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc == 3) {
            System.err.println("!!! tty.yaml loaded, but this VM has no pseudo-terminal to write to: " + out.trim());
            return;
        }
        assertEquals(0, rc, out);
        JsonNode e = events.await("tty", p.pid(), n -> Arrays.equals(bytesArg(n, 1), "vigil-tty".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.at("/args/0/file_arg/path").asText().startsWith("/dev/"), e.toString());
    }
}

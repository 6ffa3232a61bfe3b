package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.Planned;
import io.vigil.agent.sensors.BaseSensors;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.agent.sensors.SensorLoader;
import io.vigil.bpf.Backend;
import io.vigil.bpf.RingBuffer;
import io.vigil.bpf.generic.GenericHookLoader;
import io.vigil.bpf.generic.LoadedHook;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.MsgOp;
import io.vigil.policy.TracingPolicy;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A policy on the kernel functions that the tracepoint backend serves through tracepoints
 * (TracepointEquivalents), compiled by the real planner for this machine and loaded: a bash
 * process opens, reads and writes files inside and outside the watched directory, connects over
 * TCP and UDP and execs /bin/true. Each hook must fire where the function would, and not elsewhere.
 * On the host this runs on tracepoints; in the VM harness (-Dvigil.test.backend=kprobe|fentry) the
 * same policy runs as real kprobes on the functions, and the same expectations hold. There, /tmp
 * is overlayfs: security_file_open and security_file_permission run once for the overlay file
 * and once more for the backing file underneath, with the same path, so file events come in
 * pairs (the kernel's calls, as Tetragon would see them); the file checks do not count them.
 */
@Tag("kernel")
class MappedHooksKernelTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    record Event(String function, int pid, List<byte[]> args) {
        String path(int i) {
            return new String(args.get(i), StandardCharsets.UTF_8);
        }

        long integer(int i) {
            return ByteBuffer.wrap(args.get(i)).order(LE).getLong();
        }

        int dport(int i) {
            return Short.toUnsignedInt(ByteBuffer.wrap(args.get(i)).order(LE).getShort(GenericAbi.Sockaddr.DPORT));
        }

        int protocol(int i) {
            return Short.toUnsignedInt(ByteBuffer.wrap(args.get(i)).order(LE).getShort(GenericAbi.Sockaddr.PROTOCOL));
        }
    }

    @Test
    void mappedHooksFireWhereTheFunctionWould() throws Exception {
        KernelTestSupport.requireRoot();
        Backend backend = KernelTestSupport.backend().orElse(Backend.TRACEPOINT);
        Path dir = Files.createTempDirectory("vigil-mapped-");
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("a/f"), "watched\n");
        Files.writeString(dir.resolve("b/f"), "not watched\n");
        String watched = dir.resolve("a").toRealPath() + "/";
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int tcpPort = server.getLocalPort();
            int udpPort = udp.getLocalPort();
            TracingPolicy policy = Fixtures.parse("""
                    apiVersion: cilium.io/v1alpha1
                    kind: TracingPolicy
                    metadata:
                      name: "mapped"
                    spec:
                      options:
                      - name: "disable-fanotify-observe"   # the tracepoint mapping is what this test checks
                        value: "true"
                      kprobes:
                      - call: "security_file_open"
                        syscall: false
                        args:
                        - index: 0
                          type: "file"
                        selectors:
                        - matchArgs:
                          - index: 0
                            operator: "Prefix"
                            values: ["%1$s"]
                      - call: "security_file_permission"
                        syscall: false
                        args:
                        - index: 0
                          type: "file"
                        - index: 1
                          type: "int"
                        selectors:
                        - matchArgs:
                          - index: 0
                            operator: "Prefix"
                            values: ["%1$s"]
                          - index: 1
                            operator: "Equal"
                            values: ["2"] # MAY_WRITE
                      - call: "tcp_connect"
                        syscall: false
                        args:
                        - index: 0
                          type: "sock"
                        selectors:
                        - matchArgs:
                          - index: 0
                            operator: "DAddr"
                            values: ["127.0.0.1"]
                      - call: "security_socket_connect"
                        syscall: false
                        args:
                        - index: 0
                          type: "socket"
                        - index: 1
                          type: "sockaddr"
                        selectors:
                        - matchArgs:
                          - index: 1
                            operator: "SAddr"
                            values: ["127.0.0.1"]
                      - call: "security_bprm_check"
                        syscall: false
                        args:
                        - index: 0
                          type: "linux_binprm"
                        selectors:
                        - matchArgs:
                          - index: 0
                            operator: "Postfix"
                            values: ["/true"]
                    """.formatted(watched), Path.of("mapped.yaml"));
            Planned planned = HookPlanner.forHost(backend).plan(policy);
            CompiledPolicy compiled = PolicyCompiler.compile(policy, planned.hooks(), new CompileContext(500, 0, Map.of(),
                    SyscallTable.forArch(System.getProperty("os.arch"))));
            Map<Integer, String> functions = new HashMap<>();
            for (CompiledHook h : compiled.hooks()) {
                functions.put(h.descriptor().hookId(), h.descriptor().functionName());
            }
            List<Event> events = new ArrayList<>();
            List<LoadedHook> hooks = new ArrayList<>();
            try (LoadedSensors sensors = new SensorLoader(BaseSensors.SHARED_MAPS).load(BaseSensors.ALL, backend)) {
                GenericHookLoader loader = new GenericHookLoader(sensors.sharedMaps());
                for (CompiledHook h : compiled.hooks()) {
                    hooks.add(loader.load(h.image()));
                }
                String script = String.join("; ", "set -e",   // a failed connect fails the run, not silently the hook checks
                        "read -r x < " + dir + "/a/f",   // builtins: bash itself opens, reads and writes
                        "read -r x < " + dir + "/b/f",
                        "echo hi > " + dir + "/a/g",
                        "echo hi > " + dir + "/b/g",
                        "exec 3<>/dev/tcp/127.0.0.1/" + tcpPort, "exec 3>&-",
                        "exec 4<>/dev/udp/127.0.0.1/" + udpPort, "exec 4>&-",
                        "exec /bin/true");
                events = run(sensors, functions, "bash", "-c", script);
            } finally {
                for (LoadedHook h : hooks) {
                    h.close();
                }
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
                }
            }
            String all = events.stream().map(e -> e.function() + e.args().stream().map(b -> new String(b, StandardCharsets.ISO_8859_1))
                    .collect(Collectors.toList())).collect(Collectors.joining("\n"));
            List<Event> opens = of(events, "security_file_open");
            assertTrue(opens.stream().anyMatch(e -> e.path(0).equals(watched + "f")), all);
            assertTrue(opens.stream().anyMatch(e -> e.path(0).equals(watched + "g")), all);
            assertTrue(opens.stream().allMatch(e -> e.path(0).startsWith(watched)), "an open outside the prefix fired:\n" + all);

            List<Event> perms = of(events, "security_file_permission");
            assertFalse(perms.isEmpty(), "no write to " + watched + "g seen:\n" + all);
            assertTrue(perms.stream().allMatch(e -> e.path(0).equals(watched + "g") && e.integer(1) == 2),
                    "a read, or a write outside the prefix, fired:\n" + all);

            List<Event> tcp = of(events, "tcp_connect");
            assertEquals(1, tcp.size(), "one TCP connect (the UDP one must not fire):\n" + all);
            assertEquals(tcpPort, tcp.get(0).dport(0));
            assertEquals(6, tcp.get(0).protocol(0));

            List<Event> connects = of(events, "security_socket_connect");
            assertEquals(2, connects.size(), "TCP and UDP connects:\n" + all);
            assertEquals(List.of(tcpPort, udpPort), connects.stream().map(e -> e.dport(1)).toList());

            List<Event> execs = of(events, "security_bprm_check");
            assertEquals(1, execs.size(), "one exec of /bin/true (bash's own exec does not match):\n" + all);
            assertTrue(execs.get(0).path(0).endsWith("/true"), all);
        }
    }

    private static List<Event> of(List<Event> events, String function) {
        return events.stream().filter(e -> e.function().equals(function)).toList();
    }

    /** Runs the command; returns the hook events of its process, read until its exit record. */
    private static List<Event> run(LoadedSensors sensors, Map<Integer, String> functions, String... cmd) throws Exception {
        List<byte[]> records = new ArrayList<>();
        try (RingBuffer rb = RingBuffer.open(sensors.map("events"), (data, size) -> {
            byte[] b = new byte[size];
            data.get(0, b, 0, size);
            records.add(b);
        })) {
            rb.consume();
            records.clear();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int pid = (int) p.pid();
            assertEquals(0, p.waitFor(), "exit status of " + List.of(cmd));
            List<Event> out = new ArrayList<>();
            boolean exited = false;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!exited && System.nanoTime() < deadline) {
                rb.poll(50);
                rb.consume();
                for (byte[] r : records) {
                    ByteBuffer b = ByteBuffer.wrap(r).order(LE);
                    int recPid = b.getInt(GenericAbi.MsgGeneric.PROCESS);
                    if (recPid != pid) {
                        continue;
                    }
                    if (r[0] == MsgOp.EXIT.code()) {
                        exited = true;
                    } else if (r[0] == MsgOp.GENERIC.code()) {
                        out.add(decode(b, functions));
                    }
                }
                records.clear();
            }
            assertTrue(exited, "no exit record of " + pid);
            return out;
        }
    }

    private static Event decode(ByteBuffer b, Map<Integer, String> functions) {
        int nargs = b.get(GenericAbi.MsgGeneric.NARGS) & 0xff;
        int off = GenericAbi.MsgGeneric.SIZEOF;
        List<byte[]> args = new ArrayList<>();
        for (int i = 0; i < nargs; i++) {
            int len = b.getInt(off + GenericAbi.MsgArg.LEN);
            byte[] v = new byte[len];
            b.get(off + GenericAbi.MsgArg.SIZEOF, v);
            args.add(v);
            off += GenericAbi.MsgArg.SIZEOF + len;
        }
        return new Event(functions.getOrDefault(b.getInt(GenericAbi.MsgGeneric.HOOK_ID), "?"),
                b.getInt(GenericAbi.MsgGeneric.PROCESS), args);
    }
}

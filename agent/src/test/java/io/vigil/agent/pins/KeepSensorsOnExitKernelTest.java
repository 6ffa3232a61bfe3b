package io.vigil.agent.pins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.cli.VigilCli;
import io.vigil.agent.control.ControlClient;
import io.vigil.agent.kernel.ChildAgent;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.bpf.Backend;
import io.vigil.bpf.FeatureProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The fail-safe choice, end to end with a real agent in its own JVM: with --keep-sensors-on-exit a
 * Sigkill policy (on write into a directory) and a connect Override (to a loopback address and
 * port nobody listens on: a refused connect fails with EPERM instead of ECONNREFUSED) stay in
 * force after kill -9 of the agent; a restarted agent attaches its own set, then releases the old
 * one (the old links are gone from the kernel, one run's pins remain) and enforcement holds
 * throughout; a stop with the flag keeps it too; `vigil cleanup` releases everything and the
 * violator then lives. Without the flag, kill -9 ends enforcement (the documented default).
 */
@Tag("kernel")
@Tag("vm-enforce")
class KeepSensorsOnExitKernelTest {
    private static final int EPERM = 1;
    private static final int ECONNREFUSED = 111;
    private static final int DENIED_PORT = 7391;
    private static final int OPEN_PORT = 7392;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Prints the errno of connect(addr, port), 0 when it connected. */
    private static final String CONNECT = """
            import socket, sys
            s = socket.socket()
            try:
                s.connect((sys.argv[1], int(sys.argv[2]))); print(0)
            except OSError as e:
                print(e.errno)
            """;

    /** 127/8 is all loopback: an address of this test's own, so no other test's connect is refused. */
    private final String addr = "127.77." + (ProcessHandle.current().pid() % 250 + 1) + ".9";
    private Path base;
    private Path pinRoot;
    private Path privateMount;
    private Path protectedDir;
    private Path openDir;
    private final List<ChildAgent> agents = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        KernelTestSupport.requireRoot();
        base = Files.createTempDirectory("vigil-pin-test-").toRealPath();
        String unique = "vigil-pin-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        if ("bpf".equals(Files.getFileStore(Path.of("/sys/fs/bpf")).type())) {
            pinRoot = Path.of("/sys/fs/bpf", unique);
        } else {
            // no bpffs at /sys/fs/bpf on this host: a private bpffs instance of this test's own
            privateMount = Files.createDirectories(base.resolve("bpffs"));
            sh("mount -t bpf " + unique + " '" + privateMount + "'");
            pinRoot = privateMount.resolve("links");
        }
        protectedDir = Files.createDirectories(base.resolve("protected"));
        openDir = Files.createDirectories(base.resolve("open"));
        Path policies = Files.createDirectories(base.resolve("policies"));
        Files.writeString(policies.resolve("kill-writes.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "pin-kill-writes"
                spec:
                  options:
                  - name: "policy-mode"
                    value: "enforce"
                  kprobes:
                  - call: "sys_write"
                    syscall: true
                    args:
                    - index: 0
                      type: "fd"
                    selectors:
                    - matchArgs:
                      - index: 0
                        operator: "Prefix"
                        values: ["%s/"]
                      matchActions:
                      - action: Sigkill
                """.formatted(protectedDir));
        Files.writeString(policies.resolve("deny-connect.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "pin-deny-connect"
                spec:
                  options:
                  - name: "policy-mode"
                    value: "enforce"
                  kprobes:
                  - call: "security_socket_connect"
                    syscall: false
                    args:
                    - index: 1
                      type: "sockaddr"
                    selectors:
                    - matchArgs:
                      - index: 1
                        operator: "SAddr"
                        values: ["%s/32"]
                      - index: 1
                        operator: "SPort"
                        values: ["%d"]
                      matchActions:
                      - action: Override
                        argError: -1
                """.formatted(addr, DENIED_PORT));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ChildAgent a : agents) {
            if (a.isAlive()) {
                a.kill9();
            }
        }
        if (pinRoot != null && Files.exists(pinRoot)) {
            PinRoot.release(pinRoot);
        }
        if (privateMount != null) {
            sh("umount '" + privateMount + "'");
        }
    }

    private static void sh(String cmd) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), cmd + ": " + out);
    }

    private ChildAgent agent(String name, boolean keep) throws Exception {
        List<String> args = new ArrayList<>(List.of("--policy-dir", base.resolve("policies").toString(),
                "--export-file", "none", "--socket", socket(name).toString(), "--pin-root", pinRoot.toString()));
        if (keep) {
            args.add("--keep-sensors-on-exit");
        }
        ChildAgent a = ChildAgent.start(base.resolve(name + ".log"), args.toArray(String[]::new));
        agents.add(a);
        return a;
    }

    private Path socket(String name) {
        return base.resolve("control-" + name).resolve("vigil.sock");
    }

    @Test
    void enforcementOutlivesKillNineAndARestartReplacesTheOldLinks() throws Exception {
        ChildAgent first = agent("first", true);
        assertEnforced("agent running");
        List<Path> firstRun = new PinRoot(pinRoot).runs();
        assertEquals(1, firstRun.size(), "one run pinned: " + firstRun);
        List<Path> firstPins = PinRoot.links(firstRun.get(0));
        assertTrue(firstPins.stream().anyMatch(p -> p.toString().contains("/base-sensors/")), "base sensors pinned: " + firstPins);
        if (KernelTestSupport.backend().orElseGet(() -> FeatureProbe.run().choose()) == Backend.TRACEPOINT) {
            // the sys_write hook runs behind its tracepoint's dispatcher: its link and prog array are the ones pinned
            assertTrue(firstPins.stream().anyMatch(p -> p.toString().contains("/dispatch-sys_enter_write-")), firstPins.toString());
            assertTrue(Files.exists(firstPins.stream().filter(p -> p.toString().contains("/dispatch-sys_enter_write-")).findFirst()
                    .orElseThrow().resolveSibling("map-progs-sys_enter_write")), "the dispatcher's prog array is pinned");
        } else {
            // kprobe/fentry: the hook's own link (dispatchers serve syscall tracepoints only)
            assertTrue(firstPins.stream().anyMatch(p -> p.toString().contains("/policy-pin-kill-writes-h")), firstPins.toString());
        }
        assertTrue(firstPins.stream().anyMatch(p -> p.toString().contains("/policy-pin-deny-connect-h")), firstPins.toString());
        List<Long> firstIds = new ArrayList<>();
        for (Path p : firstPins) {
            firstIds.add(linkId(p));
        }

        first.kill9();
        assertEnforced("after kill -9 of the agent");

        ChildAgent second = agent("second", true);
        assertEnforced("after the restart");
        List<Path> runs = new PinRoot(pinRoot).runs();
        assertEquals(1, runs.size(), "exactly one run's pins after the takeover: " + runs);
        assertNotEquals(firstRun.get(0), runs.get(0), "the first run's pins were not released");
        assertEquals(names(firstPins, firstRun.get(0)), names(PinRoot.links(runs.get(0)), runs.get(0)),
                "the new run pins the same set");
        for (long id : firstIds) {
            assertTrue(linkGone(id), "link " + id + " of the killed agent is still in the kernel: duplicate programs");
        }
        JsonNode pins = ControlClient.call(socket("second"), JSON.createObjectNode().put("cmd", "status")).path("pins");
        assertTrue(pins.path("keep_sensors_on_exit").asBoolean(), pins.toString());
        assertEquals(firstPins.size(), pins.path("previous_links_found").asInt(), pins.toString());
        assertEquals(firstPins.size(), pins.path("previous_links_released").asInt(), pins.toString());
        assertEquals(firstPins.size(), pins.path("pinned_links").asInt(), pins.toString());

        second.stop();   // SIGTERM with the flag: the stop of an upgrade keeps enforcement
        assertEnforced("after a stop with --keep-sensors-on-exit");

        int code = new CommandLine(new VigilCli()).execute("cleanup", "--pin-root", pinRoot.toString(),
                "--socket", socket("second").toString());
        assertEquals(0, code, "vigil cleanup");
        assertEquals(List.of(), new PinRoot(pinRoot).runs(), "pins left after vigil cleanup");
        assertEquals(List.of(), PinRoot.links(pinRoot), "pins left after vigil cleanup");
        assertNotEnforced("after vigil cleanup");
    }

    @Test
    @Tag("host-only")   // the default needs no pinning and is backend-independent; an agent start costs ~90 s in the VM
    void withoutTheFlagKillNineEndsEnforcement() throws Exception {
        ChildAgent a = agent("plain", false);
        assertEnforced("agent running without the flag");
        assertEquals(List.of(), new PinRoot(pinRoot).runs(), "nothing is pinned without the flag");
        a.kill9();
        assertNotEnforced("after kill -9 without --keep-sensors-on-exit");
    }

    private void assertEnforced(String when) throws Exception {
        Path marker = base.resolve("marker-" + System.nanoTime());
        assertEquals(128 + 9, write(protectedDir, marker), when + ": the writer to the protected directory was not killed");
        assertFalse(Files.exists(marker), when + ": the killed writer ran on");
        Path spared = base.resolve("spared-" + System.nanoTime());
        assertEquals(0, write(openDir, spared), when + ": a writer elsewhere was stopped");
        assertTrue(Files.exists(spared), when);
        assertEquals(EPERM, connect(DENIED_PORT), when + ": the refused connect");
        assertEquals(ECONNREFUSED, connect(OPEN_PORT), when + ": the connect next to it");
    }

    private void assertNotEnforced(String when) throws Exception {
        Path marker = base.resolve("marker-" + System.nanoTime());
        assertEquals(0, write(protectedDir, marker), when + ": the writer was killed");
        assertTrue(Files.exists(marker), when);
        assertEquals(ECONNREFUSED, connect(DENIED_PORT), when + ": the connect was still refused by a program");
    }

    /** sh writes into dir, then (if still alive) creates marker; its exit code. */
    private static int write(Path dir, Path marker) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo payload > '" + dir.resolve("f") + "'; touch '" + marker + "'")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "writer hangs");
        return p.exitValue();
    }

    private int connect(int port) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", CONNECT, addr, Integer.toString(port)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "connect hangs");
        return Integer.parseInt(out);
    }

    /** The pins' paths in their run, hook ids left out (the order policies load in may differ). */
    private static List<String> names(List<Path> pins, Path run) {
        return pins.stream().map(p -> run.relativize(p).toString().replaceAll("-h\\d+/hook\\d+-", "-h/hook-")).sorted().toList();
    }

    private static long linkId(Path pin) throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", "link", "show", "pinned", pin.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "bpftool link show pinned " + pin + ": " + out);
        return JSON.readTree(out).path("id").asLong();
    }

    /** The kernel frees a link when its last pin and fd go; polled, as the free may be deferred. */
    private static boolean linkGone(long id) throws Exception {
        for (int i = 0; i < 50; i++) {
            Process p = new ProcessBuilder("bpftool", "link", "show", "id", Long.toString(id))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}

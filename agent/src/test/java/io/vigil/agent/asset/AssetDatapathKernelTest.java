package io.vigil.agent.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.kernel.NetnsPeer;
import io.vigil.bpf.FeatureProbe;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.bpf.RingBuffer;
import io.vigil.bpf.wire.AssetAbi;
import io.vigil.bpf.wire.AssetMsg;
import io.vigil.bpf.wire.Msg;
import io.vigil.bpf.wire.MsgDecoder;
import io.vigil.enforcement.asset.datapath.AssetDatapath;
import io.vigil.enforcement.asset.datapath.PolicyConfig;
import io.vigil.enforcement.asset.datapath.Taint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The guard's BPF programs on the real kernel, driven directly (the taint written as the agent's
 * fanotify decision would): an exfil server in a network namespace, python clients on the host.
 */
@Tag("kernel")
@Tag("vm-enforce")   // in the VM on one kernel and backend only: the guard has one backend
class AssetDatapathKernelTest {
    static final int POLICY = 1;
    static final int ALLOWED = 7301;
    static final int OTHER = 7302;
    static final long BUDGET = 1 << 20;
    static final int UPLOAD = 50 << 20;

    static NetnsPeer peer;
    static Process server;
    static BufferedReader serverOut;
    static Path pinDir;
    AssetDatapath datapath;
    RingBuffer ring;
    final List<AssetMsg> events = new ArrayList<>();

    @BeforeAll
    static void network() throws Exception {
        KernelTestSupport.requireRoot();
        peer = NetnsPeer.create(61);
        server = peer.start("python3", script("exfil_server.py"), peer.peerAddr(), String.valueOf(ALLOWED),
                String.valueOf(OTHER));
        serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", serverOut.readLine());
        pinDir = Path.of("/sys/fs/bpf/vigil-test-" + ProcessHandle.current().pid());
    }

    @AfterAll
    static void down() throws Exception {
        if (server != null) {
            server.destroyForcibly();
        }
        if (peer != null) {
            peer.close();
        }
        if (pinDir != null && Files.isDirectory(pinDir)) {
            try (var s = Files.list(pinDir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(pinDir);
        }
    }

    @BeforeEach
    void load() throws Exception {
        datapath = AssetDatapath.load(Map.of(), pinDir, FeatureProbe.cgroup2Root());
        datapath.putPolicy(POLICY, new PolicyConfig(BUDGET, 0, AssetAbi.Action.DENY));
        datapath.map("asset_allow4").update(allow4Key(POLICY, peer.peerAddr(), 32), ports(ALLOWED));
        ring = RingBuffer.open(datapath.map("events"), (data, size) -> {
            byte[] b = new byte[size];
            data.get(0, b, 0, size);
            try {
                Msg m = MsgDecoder.decode(ByteBuffer.wrap(b));
                if (m instanceof AssetMsg a) {
                    events.add(a);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @AfterEach
    void unload() {
        if (ring != null) {
            ring.close();
        }
        if (datapath != null) {
            datapath.close();
        }
    }

    @Test
    void taintedUploadIsCutAtTheBudgetAndUntaintedGoesThrough() throws Exception {
        Client tainted = Client.start(peer.peerAddr(), ALLOWED, UPLOAD, false);
        datapath.taint(tainted.pid, taintOf(tainted.pid));
        assertEquals("stalled", tainted.go().split(" ")[0]);
        assertTrue(tainted.process.waitFor(10, TimeUnit.SECONDS));
        Taint after = datapath.taint(tainted.pid);
        long received = serverBytes(ALLOWED);
        assertTrue(after.exited(), "the client exited after the stall: " + after);
        assertTrue(after.bytes() <= BUDGET, "counted " + after.bytes());
        assertTrue(received <= BUDGET, "the exfil server got " + received + " bytes, budget " + BUDGET);
        assertTrue(received > BUDGET / 2, "the allowed destination got only " + received + " bytes");
        ring.consume();
        AssetMsg e = only(AssetAbi.Ev.BUDGET_EXCEEDED);
        assertEquals(tainted.pid, e.process().pid());
        assertEquals(BUDGET, e.budget());
        assertEquals(ALLOWED, e.port());
        tainted.close();

        Client clean = Client.start(peer.peerAddr(), ALLOWED, UPLOAD, false);
        assertEquals("sent " + UPLOAD, clean.go());
        assertEquals(UPLOAD, serverBytes(ALLOWED));
        clean.close();
    }

    @Test
    void perDestinationBudgetCutsOneDestination() throws Exception {
        long perDest = 256 << 10;
        datapath.putPolicy(POLICY, new PolicyConfig(0, perDest, AssetAbi.Action.DENY));
        Client c = Client.start(peer.peerAddr(), ALLOWED, UPLOAD, false);
        datapath.taint(c.pid, taintOf(c.pid));
        assertEquals("stalled", c.go().split(" ")[0]);
        long received = serverBytes(ALLOWED);
        assertTrue(received <= perDest && received > perDest / 2, "got " + received + ", budget per destination " + perDest);
        ring.consume();
        assertEquals(perDest, only(AssetAbi.Ev.BUDGET_EXCEEDED).budget());
        c.close();
    }

    @Test
    void ipv4MappedAddressesOfDualStackSocketsAreCheckedAsIpv4() throws Exception {
        Client ok = Client.start("::ffff:" + peer.peerAddr(), ALLOWED, 10, false);
        datapath.taint(ok.pid, taintOf(ok.pid));
        assertEquals("sent 10", ok.go(), "an allowed IPv4 destination reached through an IPv6 socket");
        assertEquals(10, serverBytes(ALLOWED));
        ok.close();
        Client no = Client.start("::ffff:" + peer.peerAddr(), OTHER, 10, false);
        datapath.taint(no.pid, taintOf(no.pid));
        assertEquals("denied 1", no.go());
        ring.consume();
        AssetMsg e = only(AssetAbi.Ev.CONNECT_DENIED);
        assertEquals(2, e.family(), "reported as the IPv4 destination it is");
        no.close();
    }

    @Test
    void monitorModeLetsTheConnectThroughAndReportsIt() throws Exception {
        datapath.putPolicy(POLICY, new PolicyConfig(BUDGET, 0, AssetAbi.Action.MONITOR));
        Client c = Client.start(peer.peerAddr(), OTHER, 10, false);
        datapath.taint(c.pid, taintOf(c.pid));
        assertEquals("sent 10", c.go());
        ring.consume();
        assertEquals(OTHER, only(AssetAbi.Ev.EGRESS_MONITORED).port());
        assertTrue(events.stream().noneMatch(e -> e.kind() == AssetAbi.Ev.CONNECT_DENIED), events.toString());
        c.close();
    }

    @Test
    void taintedConnectOutsideTheAllowListFailsWithEperm() throws Exception {
        Client c = Client.start(peer.peerAddr(), OTHER, 10, false);
        datapath.taint(c.pid, taintOf(c.pid));
        assertEquals("denied 1", c.go());
        ring.consume();
        AssetMsg e = only(AssetAbi.Ev.CONNECT_DENIED);
        assertEquals(OTHER, e.port());
        assertEquals(6, e.protocol());
        assertEquals(peer.peerAddr(), java.net.InetAddress.getByAddress(java.util.Arrays.copyOf(e.address(), 4))
                .getHostAddress());
        c.close();
        Client clean = Client.start(peer.peerAddr(), OTHER, 10, false);
        assertEquals("sent 10", clean.go());
        clean.close();
    }

    @Test
    void forkedChildInheritsTheTaintAndExitClearsIt() throws Exception {
        Client c = Client.start(peer.peerAddr(), OTHER, 10, true);
        datapath.taint(c.pid, taintOf(c.pid));
        String child = c.line();
        assertTrue(child.startsWith("child "), child);
        assertEquals("denied 1", c.line());
        c.close();
        assertTrue(c.process.waitFor(10, TimeUnit.SECONDS));
        int childPid = Integer.parseInt(child.substring(6));
        // the exit tracepoint may run after the parent reaped the child: give it a moment
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!(datapath.taint(c.pid).exited() && datapath.taint(childPid).exited()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(datapath.taint(c.pid).exited(), "the exit of the tainted process was not recorded");
        assertTrue(datapath.taint(childPid).exited(), "the exit of the child was not recorded: " + datapath.taint(childPid));
        Client reused = Client.start(peer.peerAddr(), OTHER, 10, false);
        Taint stale = datapath.taint(childPid);
        datapath.taint(reused.pid, stale); // as if the pid had been reused: an exited taint restricts nothing
        assertEquals("sent 10", reused.go());
        reused.close();
    }

    @Test
    void taintsSurviveAReloadOfTheDatapath() throws Exception {
        Client c = Client.start(peer.peerAddr(), OTHER, 10, false);
        datapath.taint(c.pid, taintOf(c.pid));
        ring.close();
        ring = null;
        datapath.close();
        datapath = AssetDatapath.load(Map.of(), pinDir, FeatureProbe.cgroup2Root());
        datapath.putPolicy(POLICY, new PolicyConfig(BUDGET, 0, AssetAbi.Action.DENY));
        assertNotNull(datapath.taint(c.pid), "the pinned taint map was not reused");
        assertEquals("denied 1", c.go());
        c.close();
    }

    // ---- helpers

    private AssetMsg only(int kind) {
        List<AssetMsg> of = events.stream().filter(e -> e.kind() == kind).toList();
        assertEquals(1, of.size(), "events of kind " + kind + ": " + events);
        return of.get(0);
    }

    private static Taint taintOf(int pid) {
        return Taint.of(0, System.nanoTime(), 0x803, 4242, POLICY);
    }

    /** Bytes of the next connection to port that ended (other tests' connections to other ports are skipped). */
    private static long serverBytes(int port) throws Exception {
        while (true) {
            String line = serverOut.readLine();
            assertNotNull(line, "the exfil server ended");
            String[] f = line.split(" ");
            if (f[0].equals(String.valueOf(port))) {
                return Long.parseLong(f[1]);
            }
        }
    }

    static byte[] allow4Key(int policy, String addr, int bits) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.Allow4Key.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(AssetAbi.Allow4Key.PREFIXLEN, 32 + bits);
        b.order(ByteOrder.BIG_ENDIAN).putInt(AssetAbi.Allow4Key.POLICY, policy);
        b.put(AssetAbi.Allow4Key.ADDR, java.net.InetAddress.getByName(addr).getAddress());
        return b.array();
    }

    static byte[] ports(int... ports) {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.Ports.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ports.length; i++) {
            b.putShort(AssetAbi.Ports.PORT + 2 * i, (short) ports[i]);
        }
        b.put(AssetAbi.Ports.COUNT, (byte) ports.length);
        return b.array();
    }

    static String script(String name) throws Exception {
        Path p = Files.createTempFile("vigil-", "-" + name);
        try (var in = AssetDatapathKernelTest.class.getResourceAsStream("/asset/" + name)) {
            Files.write(p, in.readAllBytes());
        }
        p.toFile().deleteOnExit();
        return p.toString();
    }

    /** upload_client.py: prints its pid, waits for "go". */
    static final class Client implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final OutputStream in;
        final int pid;

        private Client(Process p) throws Exception {
            process = p;
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            in = p.getOutputStream();
            String first = out.readLine();
            assertNotNull(first, "the client ended at once");
            pid = Integer.parseInt(first.substring(4));
        }

        static Client start(String addr, int port, int bytes, boolean fork) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("python3", script("upload_client.py"), addr,
                    String.valueOf(port), String.valueOf(bytes)));
            if (fork) {
                cmd.add("fork");
            }
            return new Client(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        String go() throws Exception {
            return line();
        }

        String line() throws Exception {
            if (!"go".equals(sent)) {
                sent = "go";
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
            }
            return out.readLine();
        }

        private String sent;

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}

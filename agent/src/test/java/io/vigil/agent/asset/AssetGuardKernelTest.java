package io.vigil.agent.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.NetnsPeer;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.agent.kernel.ShmTempDirs;
import io.vigil.api.Event;
import io.vigil.api.ProcessAsset;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-theft guard end to end: AssetProtectionPolicy files applied to a running agent, a fake
 * 50 MB weights file on tmpfs, an exfil server and a DNS server in a network namespace, python
 * clients on the host (python is the policy's reader; cat is not).
 */
@Tag("kernel")
@Tag("vm-enforce")   // in the VM on one kernel and backend only: the guard has one backend
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AssetGuardKernelTest {
    static final int ALLOWED = 7401;
    static final int OTHER = 7402;
    static final long BUDGET = 1 << 20;
    static final int WEIGHTS = 50 << 20;
    static final Duration WAIT = PolicyKernelTests.WAIT;
    /** TTL of the DNS answer: the emulated VM needs seconds where the host needs milliseconds. */
    static final int TTL = Boolean.getBoolean("vigil.test.vm") ? 15 : 2;

    @TempDir(factory = ShmTempDirs.class)
    static Path dir;
    static Path weights;
    static Path dnsWeights;
    static Path killWeights;
    static String python;
    static NetnsPeer peer;
    static Process server;
    static Process dns;
    static BufferedReader serverOut;
    static CapturingSink sink;
    static Agent agent;

    @BeforeAll
    static void start() throws Exception {
        sink = new CapturingSink();
        agent = PolicyKernelTests.startAgent(sink);
        System.setProperty("vigil.asset.pin.dir", "/sys/fs/bpf/vigil-test-guard-" + ProcessHandle.current().pid());
        peer = NetnsPeer.create(62);
        peer.addPeerAddress("10.251.62.3");
        server = peer.start("python3", script("exfil_server.py"), "0.0.0.0", String.valueOf(ALLOWED), String.valueOf(OTHER));
        serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", serverOut.readLine());
        dns = peer.start("python3", script("dns_server.py"), peer.peerAddr(), "weights.example.test=" + peer.peerAddr()
                + ":" + TTL, "other.example.test=10.251.62.3:60");
        assertEquals("ready", new BufferedReader(new InputStreamReader(dns.getInputStream(), StandardCharsets.UTF_8))
                .readLine());
        Files.createDirectories(dir.resolve("models/llama"));
        weights = dir.resolve("models/llama/model.safetensors");
        writeFakeWeights(weights, WEIGHTS);
        Files.createDirectories(dir.resolve("dns-models"));
        dnsWeights = dir.resolve("dns-models/w.gguf");
        writeFakeWeights(dnsWeights, 4096);
        Files.createDirectories(dir.resolve("kill-models"));
        killWeights = dir.resolve("kill-models/w.pt");
        writeFakeWeights(killWeights, 4096);
        python = realPython();
        PolicyKernelTests.apply(agent, Files.writeString(dir.resolve("guard.yaml"), policies()));
    }

    static String policies() {
        return """
                apiVersion: vigil.io/v1alpha1
                kind: AssetProtectionPolicy
                metadata:
                  name: guard-weights
                spec:
                  assets:
                    - path: "%s/models/**"
                  readers:
                    - binary: %s
                  egress:
                    - cidr: %s/32
                      ports: [%d]
                      protocol: TCP
                  budget:
                    bytesPerProcess: %d
                  action: Deny
                ---
                apiVersion: vigil.io/v1alpha1
                kind: AssetProtectionPolicy
                metadata:
                  name: guard-by-name
                spec:
                  assets:
                    - path: "%s/dns-models/*.gguf"
                  readers:
                    - binary: %s
                  egress:
                    - fqdn: "*.example.test"
                      ports: [%d]
                    - cidr: %s/32             # its resolver: DNS is a way out too, so it is allowed by name
                      ports: [53]
                      protocol: UDP
                  action: Deny
                ---
                apiVersion: vigil.io/v1alpha1
                kind: AssetProtectionPolicy
                metadata:
                  name: guard-kill
                spec:
                  assets:
                    - path: "%s/kill-models/**"
                  readers:
                    - binary: %s
                  action: Kill
                """.formatted(dir, python, peer.peerAddr(), ALLOWED, BUDGET, dir, python, ALLOWED, peer.peerAddr(),
                dir, python);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : new Process[] {server, dns}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        if (agent != null) {
            agent.close();
        }
        if (peer != null) {
            peer.close();
        }
        String pin = System.clearProperty("vigil.asset.pin.dir");
        if (pin != null && Files.isDirectory(Path.of(pin))) {
            try (var s = Files.list(Path.of(pin))) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(Path.of(pin));
        }
    }

    @Test
    @Order(1)
    void readerIsTaintedAndItsUploadIsCutAtTheBudget() throws Exception {
        List<String> out = Client.run("read:" + weights, "upload:" + peer.peerAddr() + ":" + ALLOWED + ":" + WEIGHTS,
                "connect:" + peer.peerAddr() + ":" + OTHER, "sendto:" + peer.peerAddr() + ":" + OTHER);
        assertEquals("read " + WEIGHTS, out.get(1));
        assertTrue(out.get(2).startsWith("stalled "), out.toString());
        assertEquals("denied 1", out.get(3), "EPERM outside the allow list");
        assertEquals("denied 1", out.get(4), "an unconnected UDP datagram outside the allow list");
        long received = serverBytes(ALLOWED);
        assertTrue(received <= BUDGET && received > BUDGET / 2, "the exfil server got " + received + " bytes");
        int pid = Integer.parseInt(out.get(0).substring(4));
        ProcessAsset taint = await(pid, "TAINT");
        assertEquals("guard-weights", taint.policyName());
        assertEquals(weights.toString(), taint.asset().path());
        ProcessAsset budget = await(pid, "BUDGET_EXCEEDED");
        assertEquals(BUDGET, budget.budget());
        assertEquals(ALLOWED, budget.destination().port());
        ProcessAsset denied = await(pid, "CONNECT_DENIED");
        assertEquals(peer.peerAddr(), denied.destination().address());
        assertEquals(OTHER, denied.destination().port());
        assertEquals(weights.toString(), denied.asset().path(), "the event names the asset that tainted it");
        assertEquals("DENY", denied.action());
        ProcessAsset datagram = await(pid, "SEND_DENIED");
        assertEquals("UDP", datagram.destination().protocol());
    }

    @Test
    @Order(2)
    void untaintedProcessUploadsTheSameAmountUnhindered() throws Exception {
        List<String> out = Client.run("upload:" + peer.peerAddr() + ":" + ALLOWED + ":" + WEIGHTS,
                "connect:" + peer.peerAddr() + ":" + OTHER);
        assertEquals("sent " + WEIGHTS, out.get(1));
        assertEquals("connected", out.get(2));
        assertEquals(WEIGHTS, serverBytes(ALLOWED));
    }

    @Test
    @Order(3)
    void aBinaryThatIsNotAReaderIsRefusedTheOpen() throws Exception {
        Process cat = new ProcessBuilder("cat", weights.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        String err = new String(cat.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cat.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, cat.exitValue(), err);
        assertTrue(err.contains("Operation not permitted"), err);
        ProcessAsset e = await((int) cat.pid(), "OPEN_DENIED");
        assertEquals(weights.toString(), e.asset().path());
        assertTrue(e.enforced());
    }

    @Test
    @Order(4)
    void childrenInheritTheTaintAcrossForkAndExec() throws Exception {
        List<String> out = Client.run("read:" + weights,
                "bash:exec 3<>/dev/tcp/" + peer.peerAddr() + "/" + OTHER,
                "bash:exec 3<>/dev/tcp/" + peer.peerAddr() + "/" + ALLOWED);
        assertEquals("bash 1", out.get(2), "the tainted parent's child reached a peer outside the allow list");
        assertEquals("bash 0", out.get(3), "the tainted parent's child could not reach the allowed peer");
        serverBytes(ALLOWED);
    }

    @Test
    @Order(5)
    void fqdnAllowListLearnsFromDnsAndHonoursTheTtl() throws Exception {
        Client c = Client.start("read:" + dnsWeights,
                "connect:" + peer.peerAddr() + ":" + ALLOWED,            // never resolved: refused
                "resolve:weights.example.test@" + peer.peerAddr(), "wait",
                "connect:$:" + ALLOWED,                                   // learned from the answer: passes
                "connect:10.251.62.3:" + ALLOWED,                         // a literal IP nobody resolved
                "sleep:" + (TTL + 1),
                "connect:$:" + ALLOWED);                                  // the TTL ran out
        assertEquals("read 4096", c.line());
        assertEquals("denied 1", c.line());
        assertEquals("resolved " + peer.peerAddr() + " " + TTL, c.line());
        assertEquals("waiting", c.line());
        // the address is allowed once the agent has read the answer (about a millisecond on the host;
        // the window is documented): wait for that, not for a guess of its duration
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (agent.status().path("asset_guard").path("learned_addresses").asInt() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        c.in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        c.in.flush();
        assertEquals("connected", c.line(), "the address learned from the answer");
        assertEquals("denied 1", c.line(), "a literal IP nobody resolved");
        assertEquals("slept", c.line());
        assertEquals("denied 1", c.line(), "the learned address outlived its TTL");
        assertTrue(c.process.waitFor(30, TimeUnit.SECONDS));
        serverBytes(ALLOWED);
    }

    @Test
    @Order(6)
    void killPolicyKillsATaintedProcessThatSendsOut() throws Exception {
        Client c = Client.start("read:" + killWeights, "connect:" + peer.peerAddr() + ":" + ALLOWED, "sleep:30",
                "connect:" + peer.peerAddr() + ":" + ALLOWED);
        assertEquals("read 4096", c.line());
        String denied = c.line(); // the SIGKILL may land before the client has printed all of it
        assertTrue(denied == null || "denied 1".startsWith(denied), "an empty egress list lets a tainted process send"
                + " nowhere: " + denied);
        assertTrue(c.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the tainted process was not killed");
        assertEquals(137, c.process.exitValue(), "killed by SIGKILL");
        assertEquals("KILL", await(c.pid, "CONNECT_DENIED").action());
        await(c.pid, "KILLED");
    }

    @Test
    @Order(7)
    void aRestartOfTheAgentKeepsTheTaintOfRunningProcesses() throws Exception {
        Client c = Client.start("read:" + weights, "wait", "connect:" + peer.peerAddr() + ":" + OTHER);
        assertEquals("read " + WEIGHTS, c.line());
        assertEquals("waiting", c.line());
        agent.close();
        sink = new CapturingSink();
        agent = PolicyKernelTests.startAgent(sink);
        PolicyKernelTests.apply(agent, dir.resolve("guard.yaml"));
        c.in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        c.in.flush();
        assertEquals("denied 1", c.line(), "the restarted agent forgot the taint");
        await(c.pid, "CONNECT_DENIED");
        c.process.destroyForcibly();
    }

    // ---- helpers

    static ProcessAsset await(int pid, String event) throws InterruptedException {
        Predicate<Event> p = e -> e.body() instanceof ProcessAsset a && a.process().pid() == pid
                && a.event().equals(event);
        List<Event> got = sink.await(p, 1, WAIT);
        assertFalse(got.isEmpty(), "no " + event + " event for pid " + pid + "; asset events: "
                + sink.matching(e -> e.body() instanceof ProcessAsset));
        return (ProcessAsset) got.get(0).body();
    }

    static long serverBytes(int port) throws Exception {
        while (true) {
            String line = serverOut.readLine();
            assertNotNull(line, "the exfil server ended");
            String[] f = line.split(" ");
            if (f[0].equals(String.valueOf(port))) {
                return Long.parseLong(f[1]);
            }
        }
    }

    static void writeFakeWeights(Path p, int size) throws Exception {
        byte[] b = new byte[size];
        new java.util.Random(42).nextBytes(b);
        Files.write(p, b);
    }

    static String realPython() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import os, sys; print(os.path.realpath(sys.executable))")
                .start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return s;
    }

    static String script(String name) throws Exception {
        return AssetDatapathKernelTest.script(name);
    }

    static final class Client {
        final Process process;
        final BufferedReader out;
        final java.io.OutputStream in;
        final int pid;

        private Client(Process p) throws Exception {
            process = p;
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            in = p.getOutputStream();
            String first = out.readLine();
            assertNotNull(first);
            pid = Integer.parseInt(first.substring(4));
        }

        static Client start(String... steps) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("python3", script("asset_client.py")));
            cmd.addAll(List.of(steps));
            return new Client(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        /** Runs the steps to the end: "pid N", then one line per step. */
        static List<String> run(String... steps) throws Exception {
            Client c = start(steps);
            List<String> lines = new ArrayList<>();
            lines.add("pid " + c.pid);
            String l;
            while ((l = c.out.readLine()) != null) {
                lines.add(l);
            }
            assertTrue(c.process.waitFor(60, TimeUnit.SECONDS));
            return lines;
        }

        String line() throws Exception {
            return out.readLine();
        }
    }
}

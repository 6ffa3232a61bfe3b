package io.vigil.agent.policy.enforce;

import static io.vigil.agent.kernel.PolicyKernelTests.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.kernel.NetnsPeer;
import io.vigil.agent.kernel.PolicyAgent;
import io.vigil.agent.kernel.PolicyEvents;
import io.vigil.policy.PolicyMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Override on connect and sendto, carried out in the kernel by the cgroup sock_addr programs
 * (bpf_generic_sockaddr.c) on every backend (a sockaddr argument is filtered with SAddr/SPort, as in
 * Tetragon; a sock argument with DAddr/DPort): a server in a network namespace the test made counts
 * what reaches it. 10,000 denied attempts: 0 accepted connections, 0 datagrams, one event each;
 * the allowed port next to it is untouched; argError picks the errno; monitor mode lets every
 * attempt through with one event each, and set-mode enforce then denies.
 */
@Tag("kernel")
@Tag("vm-enforce")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class ConnectOverrideKernelTest {
    /** The 10,000 on the host; the emulated VM (about 15x slower) runs 2,000 of the same. */
    private static final int ATTEMPTS = Boolean.getBoolean("vigil.test.vm") ? 2_000 : 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Counts accepted connections and datagrams per port; "q" on stdin prints them, EOF ends it. */
    private static final String SERVER = """
            import json, select, socket, sys
            tcp = [int(p) for p in sys.argv[1].split(',')]
            udp = [int(p) for p in sys.argv[2].split(',')]
            socks = {}
            for a in sys.argv[3:]:
                fam = socket.AF_INET6 if ':' in a else socket.AF_INET
                for p in tcp:
                    s = socket.socket(fam, socket.SOCK_STREAM)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((a, p)); s.listen(4096); s.setblocking(False)
                    socks[s] = 'tcp%d' % p
                for p in udp:
                    s = socket.socket(fam, socket.SOCK_DGRAM)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
                    s.bind((a, p)); s.setblocking(False)
                    socks[s] = 'udp%d' % p
            counts = {}
            def drain(s):
                while True:
                    try:
                        if socks[s].startswith('tcp'):
                            c, _ = s.accept(); c.close()
                        else:
                            s.recvfrom(65536)
                    except BlockingIOError:
                        return
                    counts[socks[s]] = counts.get(socks[s], 0) + 1
            print('ready', flush=True)
            while True:
                r, _, _ = select.select(list(socks) + [sys.stdin], [], [])
                for s in r:
                    if s is not sys.stdin:
                        drain(s)
                if sys.stdin in r:
                    line = sys.stdin.readline()
                    if not line:
                        break
                    for s in socks:
                        drain(s)
                    print(json.dumps(counts), flush=True)
            """;

    /** proto (tcp|udp) addr port n: n connects (sending a marker when one succeeds) or sendtos; prints ok and errnos. */
    private static final String CLIENT = """
            import json, socket, sys
            proto, addr, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
            fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
            ok, errs = 0, {}
            u = socket.socket(fam, socket.SOCK_DGRAM) if proto == 'udp' else None
            for i in range(n):
                try:
                    if u:
                        u.sendto(b'VIGIL-MARKER', (addr, port))
                    else:
                        s = socket.socket(fam, socket.SOCK_STREAM)
                        try:
                            s.connect((addr, port)); s.sendall(b'VIGIL-MARKER')
                        finally:
                            s.close()
                    ok += 1
                except OSError as e:
                    errs[str(e.errno)] = errs.get(str(e.errno), 0) + 1
            print(json.dumps({'ok': ok, 'errno': errs}))
            """;

    @RegisterExtension
    static final PolicyAgent agent = new PolicyAgent();
    static final PolicyEvents events = agent.events();
    static NetnsPeer peer;
    static Process server;
    static BufferedReader serverOut;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        peer = NetnsPeer.create(7);
        server = peer.start("python3", "-c", SERVER, "7001,7002,7003,7201", "7101,7102", peer.peerAddr(), peer.peerAddr6());
        serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", serverOut.readLine(), "server in " + peer + " did not start");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.getOutputStream().close();
            server.waitFor();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void tcpConnectDeniedTenThousandTimesOneEventEach() throws Exception {
        apply("deny-connect", "kprobes", """
                - call: "security_socket_connect"
                  syscall: false
                  args:
                  - index: 1
                    type: "sockaddr"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "SAddr"
                      values: ["%1$s/32", "%2$s/128"]
                    - index: 1
                      operator: "SPort"
                      values: ["7001"]
                    matchActions:
                    - action: Override
                      argError: -1
                  - matchArgs:
                    - index: 1
                      operator: "SAddr"
                      values: ["%1$s/32"]
                    - index: 1
                      operator: "SPort"
                      values: ["7003"]
                    matchActions:
                    - action: Override
                      argError: -13
                """.formatted(peer.peerAddr(), peer.peerAddr6()), "enforce");

        Client denied = client("tcp", peer.peerAddr(), 7001, ATTEMPTS);
        assertEquals(0, denied.ok(), "connects that got through: " + denied);
        assertEquals(Map.of("1", ATTEMPTS), denied.errnos(), "every attempt fails with EPERM");
        Client denied6 = client("tcp", peer.peerAddr6(), 7001, 100);
        assertEquals(Map.of("1", 100), denied6.errnos(), "IPv6 too (connect6)");
        Client eacces = client("tcp", peer.peerAddr(), 7003, 100);
        assertEquals(Map.of("13", 100), eacces.errnos(), "argError -13 gives EACCES");
        Client allowed = client("tcp", peer.peerAddr(), 7002, 100);
        assertEquals(100, allowed.ok(), "the port next to it is untouched: " + allowed);

        JsonNode counts = serverCounts();
        assertEquals(0, counts.path("tcp7001").asInt(), "connections accepted on the denied port: " + counts);
        assertEquals(0, counts.path("tcp7003").asInt(), "connections accepted on the denied port: " + counts);
        assertEquals(100, counts.path("tcp7002").asInt(), "connections accepted on the allowed port: " + counts);

        List<JsonNode> ev = exactly("deny-connect", denied.pid(), ATTEMPTS);
        for (JsonNode e : List.of(ev.get(0), ev.get(ATTEMPTS - 1))) {
            assertEquals("KPROBE_ACTION_OVERRIDE", e.path("action").asText(), e.toString());
            assertEquals("security_socket_connect", e.path("function_name").asText(), e.toString());
            assertTrue(e.path("args").toString().contains(peer.peerAddr()), e.toString());
        }
        exactly("deny-connect", denied6.pid(), 100);
        exactly("deny-connect", eacces.pid(), 100);
        events.assertNone("deny-connect", allowed.pid());
    }

    @Test
    void udpSendtoDeniedTenThousandTimes() throws Exception {
        apply("deny-sendto", "kprobes", """
                - call: "sys_sendto"
                  syscall: true
                  args:
                  - index: 0
                    type: "sock"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "DAddr"
                      values: ["%s/32"]
                    - index: 0
                      operator: "DPort"
                      values: ["7101"]
                    matchActions:
                    - action: Override
                      argError: -1
                """.formatted(peer.peerAddr()), "enforce");

        Client denied = client("udp", peer.peerAddr(), 7101, ATTEMPTS);
        assertEquals(Map.of("1", ATTEMPTS), denied.errnos(), "every sendto fails with EPERM: " + denied);
        Client allowed = client("udp", peer.peerAddr(), 7102, 200);
        assertEquals(200, allowed.ok(), allowed.toString());
        Thread.sleep(200);
        JsonNode counts = serverCounts();
        assertEquals(0, counts.path("udp7101").asInt(), "datagrams that reached the denied port: " + counts);
        assertEquals(200, counts.path("udp7102").asInt(), "datagrams on the allowed port: " + counts);
        exactly("deny-sendto", denied.pid(), ATTEMPTS);
        events.assertNone("deny-sendto", allowed.pid());
    }

    @Test
    void monitorModeLetsEveryAttemptThroughWithOneEventEachThenSetModeEnforces() throws Exception {
        apply("watch-connect", "lsmhooks", """
                - hook: "socket_connect"
                  args:
                  - index: 1
                    type: "sockaddr"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "SPort"
                      values: ["7201"]
                    matchActions:
                    - action: Override
                      argError: -1
                """, "monitor");
        int before = serverCounts().path("tcp7201").asInt();
        Client watched = client("tcp", peer.peerAddr(), 7201, 200);
        assertEquals(200, watched.ok(), "monitor mode denied: " + watched);
        assertEquals(before + 200, serverCounts().path("tcp7201").asInt());
        exactly("watch-connect", watched.pid(), 200);

        agent.policies().orElseThrow().setMode("watch-connect", PolicyMode.ENFORCE);
        Client enforced = client("tcp", peer.peerAddr(), 7201, 100);
        assertEquals(Map.of("1", 100), enforced.errnos(), "after set-mode enforce: " + enforced);
        assertEquals(before + 200, serverCounts().path("tcp7201").asInt(), "nothing more got through");
        List<JsonNode> ev = exactly("watch-connect", enforced.pid(), 100);
        assertEquals("KPROBE_ACTION_OVERRIDE", ev.get(0).path("action").asText());

        agent.policies().orElseThrow().setMode("watch-connect", PolicyMode.MONITOR);   // back, in place
        Client again = client("tcp", peer.peerAddr(), 7201, 50);
        assertEquals(50, again.ok(), "after set-mode monitor: " + again);
        assertEquals(before + 250, serverCounts().path("tcp7201").asInt());
        assertEquals("KPROBE_ACTION_POST", exactly("watch-connect", again.pid(), 50).get(0).path("action").asText());
    }

    private record Client(long pid, int ok, Map<String, Integer> errnos, String out) {}

    private static Client client(String proto, String addr, int port, int n) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", CLIENT, proto, addr, Integer.toString(port), Integer.toString(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        JsonNode j = JSON.readTree(out);
        Map<String, Integer> errs = JSON.convertValue(j.path("errno"), JSON.getTypeFactory()
                .constructMapType(Map.class, String.class, Integer.class));
        return new Client(p.pid(), j.path("ok").asInt(), errs, out);
    }

    private static JsonNode serverCounts() throws Exception {
        OutputStream in = server.getOutputStream();
        in.write("q\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        return JSON.readTree(serverOut.readLine());
    }

    /** Exactly n events of the policy for the pid: one per refused (or watched) operation. */
    private static List<JsonNode> exactly(String policy, long pid, int n) throws InterruptedException {
        List<JsonNode> ev = events.awaitCount(policy, pid, n);
        Thread.sleep(QUIET.toMillis());
        assertEquals(n, events.of(policy, pid).size(), "events of " + policy + " for pid " + pid);
        return ev;
    }

    private void apply(String name, String section, String hooks, String mode) throws Exception {
        agent.apply(tmp, name, mode, section, hooks);
    }
}

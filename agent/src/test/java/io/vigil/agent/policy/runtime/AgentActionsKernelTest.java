package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static io.vigil.agent.kernel.PolicyKernelTests.QUIET;
import static io.vigil.agent.kernel.PolicyKernelTests.WAIT;
import static io.vigil.agent.kernel.PolicyKernelTests.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.ProcessKprobe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tetragon's GetUrl and DnsLookup actions (open_geturl.yaml, open_dnsrequest.yaml), end to end: a
 * matching open makes the agent request the URL (a server on loopback the test runs counts the
 * requests) or resolve the name; an open the selector does not match requests nothing.
 */
@Tag("kernel")
class AgentActionsKernelTest {

    @TempDir
    Path tmp;

    @Test
    void getUrlAndDnsLookupRunOncePerMatchingCallAndNeverOtherwise() throws Exception {
        KernelTestSupport.requireRoot();
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        Path canary = Files.writeString(tmp.resolve("canary"), "x\n").toRealPath();
        Path lookup = Files.writeString(tmp.resolve("lookup"), "x\n").toRealPath();
        Path other = Files.writeString(tmp.resolve("other"), "x\n").toRealPath();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/canary-token";
        CapturingSink sink = new CapturingSink();
        try (Agent agent = PolicyKernelTests.startAgent(sink)) {
            Path policy = Files.writeString(tmp.resolve("p.yaml"), """
                    apiVersion: cilium.io/v1alpha1
                    kind: TracingPolicy
                    metadata:
                      name: "agent-actions"
                    spec:
                      kprobes:
                      - call: "sys_openat"
                        syscall: true
                        args:
                        - index: 1
                          type: "string"
                        selectors:
                        - matchArgs:
                          - index: 1
                            operator: "Equal"
                            values: ["%s"]
                          matchActions:
                          - action: GetUrl
                            argUrl: "%s"
                        - matchArgs:
                          - index: 1
                            operator: "Equal"
                            values: ["%s"]
                          matchActions:
                          - action: DnsLookup
                            argFqdn: "localhost"
                    """.formatted(canary, url, lookup));
            PolicyKernelTests.apply(agent, policy);
            long before = agent.status().at("/agent_actions/done").asLong();
            long hit = run("/bin/cat", canary.toString());
            List<Event> ev = sink.await(e -> e.body() instanceof ProcessKprobe k && k.process().pid() == hit, 1, WAIT);
            assertFalse(ev.isEmpty(), "no event for the canary open");
            assertEquals(KprobeAction.GETURL, ((ProcessKprobe) ev.get(0).body()).action());
            long end = System.nanoTime() + WAIT.toNanos();
            while (requests.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(List.of("GET /canary-token"), requests, "one request for one matching open");

            long dns = run("/bin/cat", lookup.toString());
            ev = sink.await(e -> e.body() instanceof ProcessKprobe k && k.process().pid() == dns, 1, WAIT);
            assertEquals(KprobeAction.DNSLOOKUP, ((ProcessKprobe) ev.get(0).body()).action());
            end = System.nanoTime() + WAIT.toNanos();
            while (agent.status().at("/agent_actions/done").asLong() < before + 2 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(before + 2, agent.status().at("/agent_actions/done").asLong(), agent.status().toString());

            run("/bin/cat", other.toString());
            Thread.sleep(QUIET.toMillis());
            assertEquals(1, requests.size(), "an open the selectors do not match requested " + requests);
            assertEquals(before + 2, agent.status().at("/agent_actions/done").asLong());
            assertEquals(0, agent.status().at("/agent_actions/failed").asLong());
        } finally {
            server.stop(0);
        }
        assertTrue(requests.stream().allMatch(r -> r.equals("GET /canary-token")));
    }

}

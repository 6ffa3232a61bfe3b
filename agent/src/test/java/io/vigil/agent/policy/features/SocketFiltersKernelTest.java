package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Address, port, family and protocol filters: SAddr/SPort/Family on connect(2)/bind(2)'s sockaddr
 * (as Tetragon, a sockaddr has one address and port, compared by SAddr/SPort), DAddr/DPort/SAddr on
 * tcp_connect's sock, Protocol on security_socket_connect's socket (both mapped functions on the
 * tracepoint backend). UDP connect and bind send no packet, so the addresses need not be
 * reachable (documentation ranges); TCP connects go to closed loopback ports.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class SocketFiltersKernelTest extends FeatureKernelTest {

    /** A syscall hook with the sockaddr at index 1, filtered by the given matchArgs (from column 0). */
    private void hook(String name, String call, String filters) throws Exception {
        apply(name, """
                kprobes:
                - call: "%s"
                  syscall: true
                  args:
                  - index: 0
                    type: "int"
                  - index: 1
                    type: "sockaddr"
                  selectors:
                  - matchArgs:
                """.formatted(call) + filters.indent(4));
    }

    /** A python process that does op ("connect" or "bind") on a new socket for each (host, port); its pid. */
    private static long sockets(String op, String type, String... endpoints) throws Exception {
        StringBuilder py = new StringBuilder("import socket\n");
        for (String ep : endpoints) {
            String host = ep.substring(0, ep.lastIndexOf(':'));
            String port = ep.substring(ep.lastIndexOf(':') + 1);
            String family = host.contains(":") ? "AF_INET6" : "AF_INET";
            py.append("""
                    s = socket.socket(socket.%s, socket.%s)
                    try:
                        s.%s(("%s", %s))
                    except OSError:
                        pass
                    s.close()
                    """.formatted(family, type, op, host, port));
        }
        return python(py.toString());
    }

    private static long udpConnect(String... endpoints) throws Exception {
        return sockets("connect", "SOCK_DGRAM", endpoints);
    }

    @Test
    void saddrIpv4CidrAndPortRangesOnTheSockaddr() throws Exception {
        hook("net-saddr4", "sys_connect", """
                - index: 1
                  operator: "SAddr"
                  values: ["203.0.113.0/24"]
                - index: 1
                  operator: "SPort"
                  values: ["9000:9010", "9100"]
                """);
        long hit = udpConnect("203.0.113.7:9005");
        long hit2 = udpConnect("203.0.113.8:9100");
        long miss = udpConnect("203.0.114.7:9005", "127.0.0.1:9005", "203.0.113.7:9011", "203.0.113.7:8999");
        JsonNode e = events.awaitOne("net-saddr4", hit);
        assertEquals("203.0.113.7", e.at("/args/1/sockaddr_arg/addr").asText(), e.toString());
        assertEquals(9005, e.at("/args/1/sockaddr_arg/port").asInt(), e.toString());
        assertEquals("AF_INET", e.at("/args/1/sockaddr_arg/family").asText(), e.toString());
        assertEquals(9100, events.awaitOne("net-saddr4", hit2).at("/args/1/sockaddr_arg/port").asInt());
        events.assertNone("net-saddr4", miss);
    }

    @Test
    void notSaddrAndNotSportOnTheSockaddr() throws Exception {
        hook("net-notsaddr4", "sys_connect", """
                - index: 1
                  operator: "SPort"
                  values: ["9"]
                - index: 1
                  operator: "NotSAddr"
                  values: ["127.0.0.0/8", "10.0.0.0/8"]
                """);
        hook("net-notsport", "sys_connect", """
                - index: 1
                  operator: "SAddr"
                  values: ["198.51.100.0/24"]
                - index: 1
                  operator: "NotSPort"
                  values: ["9:20"]
                """);
        long hit = udpConnect("198.51.100.7:9");
        long miss = udpConnect("127.0.0.1:9", "10.1.2.3:9");
        long portHit = udpConnect("198.51.100.7:21");
        assertEquals("198.51.100.7", events.awaitOne("net-notsaddr4", hit).at("/args/1/sockaddr_arg/addr").asText());
        assertEquals(21, events.awaitOne("net-notsport", portHit).at("/args/1/sockaddr_arg/port").asInt());
        events.assertNone("net-notsaddr4", miss);
        events.assertNone("net-notsaddr4", portHit);
        events.assertNone("net-notsport", hit);
    }

    @Test
    void saddrAndNotSaddrIpv6OnTheSockaddr() throws Exception {
        hook("net-saddr6", "sys_connect", """
                - index: 1
                  operator: "SAddr"
                  values: ["2001:db8::/32"]
                """);
        hook("net-notsaddr6", "sys_connect", """
                - index: 1
                  operator: "Family"
                  values: ["AF_INET6"]
                - index: 1
                  operator: "NotSAddr"
                  values: ["::1/128", "2001:db8::/32"]
                """);
        long hit = udpConnect("2001:db8::7:9");
        long loopback = udpConnect("::1:9");
        long other = udpConnect("2001:db9::7:9");
        JsonNode e = events.awaitOne("net-saddr6", hit);
        assertEquals("2001:db8::7", e.at("/args/1/sockaddr_arg/addr").asText(), e.toString());
        assertEquals("AF_INET6", e.at("/args/1/sockaddr_arg/family").asText(), e.toString());
        assertEquals("2001:db9::7", events.awaitOne("net-notsaddr6", other).at("/args/1/sockaddr_arg/addr").asText());
        events.assertNone("net-saddr6", loopback);
        events.assertNone("net-saddr6", other);
        events.assertNone("net-notsaddr6", hit);
        events.assertNone("net-notsaddr6", loopback);
    }

    /** bind's sockaddr, the local end. */
    @Test
    void saddrOnBind() throws Exception {
        hook("net-bind", "sys_bind", """
                - index: 1
                  operator: "SAddr"
                  values: ["127.0.0.2"]
                - index: 1
                  operator: "SPort"
                  values: ["40000:40010"]
                """);
        long hit = sockets("bind", "SOCK_DGRAM", "127.0.0.2:40005");
        long miss = sockets("bind", "SOCK_DGRAM", "127.0.0.3:40005", "127.0.0.2:40011");
        JsonNode e = events.awaitOne("net-bind", hit);
        assertEquals("127.0.0.2", e.at("/args/1/sockaddr_arg/addr").asText(), e.toString());
        assertEquals(40005, e.at("/args/1/sockaddr_arg/port").asInt(), e.toString());
        events.assertNone("net-bind", miss);
    }

    @Test
    void family() throws Exception {
        hook("net-family", "sys_connect", """
                - index: 1
                  operator: "Family"
                  values: ["AF_INET6"]
                - index: 1
                  operator: "SPort"
                  values: ["9"]
                """);
        long hit = udpConnect("::1:9");
        long miss = udpConnect("127.0.0.1:9");
        assertEquals("AF_INET6", events.awaitOne("net-family", hit).at("/args/1/sockaddr_arg/family").asText());
        events.assertNone("net-family", miss);
    }

    /** tcp_connect's sock (a mapped function on the tracepoint backend), filtered by the given matchArgs. */
    private void tcpConnect(String name, String filters) throws Exception {
        apply(name, """
                kprobes:
                - call: "tcp_connect"
                  syscall: false
                  args:
                  - index: 0
                    type: "sock"
                  selectors:
                  - matchArgs:
                """ + filters.indent(4));
    }

    /**
     * A python process that starts a TCP connect to each loopback endpoint (non-blocking: the SYN
     * is sent, the closed port answers with a reset); "bind@" before an endpoint binds the source first.
     */
    private static long tcp(String... endpoints) throws Exception {
        StringBuilder py = new StringBuilder("import socket\n");
        for (String ep : endpoints) {
            String src = ep.contains("@") ? ep.substring(0, ep.indexOf('@')) : null;
            String dst = ep.substring(ep.indexOf('@') + 1);
            String host = dst.substring(0, dst.lastIndexOf(':'));
            String port = dst.substring(dst.lastIndexOf(':') + 1);
            py.append("s = socket.socket(socket.%s, socket.SOCK_STREAM)\n".formatted(host.contains(":") ? "AF_INET6" : "AF_INET"));
            if (src != null) {
                py.append("s.bind((\"%s\", 0))\n".formatted(src));
            }
            py.append("s.setblocking(False)\ns.connect_ex((\"%s\", %s))\ns.close()\n".formatted(host, port));
        }
        return python(py.toString());
    }

    @Test
    void daddrAndDportRangesOnTheSock() throws Exception {
        tcpConnect("net-daddr", """
                - index: 0
                  operator: "DAddr"
                  values: ["127.0.0.2/32", "::1"]
                - index: 0
                  operator: "DPort"
                  values: ["39000:39010"]
                """);
        long v4 = tcp("127.0.0.2:39005");
        long v6 = tcp("::1:39010");
        long miss = tcp("127.0.0.3:39005", "127.0.0.2:39011", "127.0.0.2:38999");
        JsonNode e = events.awaitOne("net-daddr", v4);
        assertEquals("127.0.0.2", e.at("/args/0/sock_arg/daddr").asText(), e.toString());
        assertEquals(39005, e.at("/args/0/sock_arg/dport").asInt(), e.toString());
        assertEquals("::1", events.awaitOne("net-daddr", v6).at("/args/0/sock_arg/daddr").asText());
        events.assertNone("net-daddr", miss);
    }

    @Test
    void notDaddrAndNotDportOnTheSock() throws Exception {
        tcpConnect("net-notdaddr", """
                - index: 0
                  operator: "NotDAddr"
                  values: ["127.0.0.1", "::1/128"]
                - index: 0
                  operator: "DPort"
                  values: ["39020"]
                """);
        tcpConnect("net-notdport", """
                - index: 0
                  operator: "DAddr"
                  values: ["127.0.0.4"]
                - index: 0
                  operator: "NotDPort"
                  values: ["39000:39030"]
                """);
        long hit = tcp("127.0.0.2:39020");
        long miss = tcp("127.0.0.1:39020", "::1:39020");
        long portHit = tcp("127.0.0.4:39031");
        long portMiss = tcp("127.0.0.4:39025");
        assertEquals("127.0.0.2", events.awaitOne("net-notdaddr", hit).at("/args/0/sock_arg/daddr").asText());
        assertEquals(39031, events.awaitOne("net-notdport", portHit).at("/args/0/sock_arg/dport").asInt());
        events.assertNone("net-notdaddr", miss);
        events.assertNone("net-notdport", portMiss);
    }

    /** The sock's source address: the one bound before the connect. */
    @Test
    void saddrOnTheSock() throws Exception {
        tcpConnect("net-sock-saddr", """
                - index: 0
                  operator: "SAddr"
                  values: ["127.0.0.3"]
                - index: 0
                  operator: "DPort"
                  values: ["39040"]
                """);
        long hit = tcp("127.0.0.3@127.0.0.1:39040");
        long miss = tcp("127.0.0.5@127.0.0.1:39040", "127.0.0.1:39040");
        assertEquals("127.0.0.3", events.awaitOne("net-sock-saddr", hit).at("/args/0/sock_arg/saddr").asText());
        events.assertNone("net-sock-saddr", miss);
    }

    /** Protocol is the socket's: security_socket_connect (a mapped function on the tracepoint backend). */
    @Test
    void protocolOnTheSocket() throws Exception {
        apply("net-protocol", """
                kprobes:
                - call: "security_socket_connect"
                  syscall: false
                  args:
                  - index: 0
                    type: "socket"
                  - index: 1
                    type: "sockaddr"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Protocol"
                      values: ["IPPROTO_UDP"]
                    - index: 1
                      operator: "SPort"     # a sockaddr's one port: here the destination
                      values: ["39009"]
                """);
        long udp = udpConnect("127.0.0.1:39009");
        long tcp = sockets("connect", "SOCK_STREAM", "127.0.0.1:39009");   // refused by the loopback's closed port
        JsonNode e = events.awaitOne("net-protocol", udp);
        assertEquals("IPPROTO_UDP", e.at("/args/0/sock_arg/protocol").asText(), e.toString());
        events.assertNone("net-protocol", tcp);
    }
}

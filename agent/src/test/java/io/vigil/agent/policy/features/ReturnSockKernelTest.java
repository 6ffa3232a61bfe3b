package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.bpf.Backend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * returnArg of type sock: inet_csk_accept returns the accepted connection's struct sock *, reported
 * as the event's return (sock_arg) and filtered by matchReturnArgs. A kernel function: kprobe and
 * fentry backends only (the VM harness).
 */
@Tag("kernel")
@Tag("vm-features")
class ReturnSockKernelTest extends FeatureKernelTest {

    /** Python that accepts one loopback TCP connection on port. */
    private static String acceptOn(int port) {
        return """
                import socket
                l = socket.socket()
                l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                l.bind(('127.0.0.1', %d))
                l.listen(1)
                c = socket.create_connection(('127.0.0.1', %d))
                a, _ = l.accept()
                a.close(); c.close(); l.close()
                """.formatted(port, port);
    }

    @Test
    void acceptedSockIsTheReturnValue() throws Exception {
        assumeTrue(KernelTestSupport.backend().filter(b -> b != Backend.TRACEPOINT).isPresent(),
                "kprobes on kernel functions: the VM harness (kprobe/fentry backend) only");
        apply("ret-sock", """
                kprobes:
                - call: "inet_csk_accept"
                  syscall: false
                  return: true
                  args:
                  - index: 0
                    type: "sock"
                  returnArg:
                    index: 0
                    type: "sock"
                  selectors:
                  - matchReturnArgs:
                    - index: 0
                      operator: "SPort"
                      values: ["39101"]
                """);
        long hit = python(acceptOn(39101));
        long miss = python(acceptOn(39102));
        JsonNode e = events.awaitOne("ret-sock", hit);
        JsonNode ret = e.at("/return/sock_arg");
        assertEquals(39101, ret.at("/sport").asInt(), e.toString());   // the accepted connection's local end
        assertEquals("127.0.0.1", ret.at("/saddr").asText(), e.toString());
        assertEquals("127.0.0.1", ret.at("/daddr").asText(), e.toString());
        assertEquals("TCP_ESTABLISHED", ret.at("/state").asText(), e.toString());
        assertEquals(39101, e.at("/args/0/sock_arg/sport").asInt(), e.toString());   // the listener
        events.assertNone("ret-sock", miss);
    }
}

package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.plan.PolicyProblem;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.bpf.Backend;
import io.vigil.policy.TracingPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TrackSock/UntrackSock are refused with the reason, never accepted and ignored (returnArgAction was ignored);
 * the sock return value itself is read (ReturnSock), so the returnArgAction is the only problem.
 */
class SockTrackingRefusalTest {
    private static List<PolicyProblem> rejected(String spec) {
        TracingPolicy p = Fixtures.parse("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "socks"
                spec:
                """ + spec, Path.of("socks.yaml"));
        return assertThrows(PolicyRejectedException.class, () -> Fixtures.compile(p, Backend.KPROBE)).problems();
    }

    @Test
    void returnArgActionOnASockReturn() {
        List<PolicyProblem> p = rejected("""
                  kprobes:
                  - call: "tcp_connect"
                    syscall: false
                    return: true
                    args:
                    - index: 0
                      type: "sock"
                    returnArg:
                      index: 0
                      type: sock
                    returnArgAction: TrackSock
                """);
        assertEquals(1, p.size(), p.toString());
        String msg = p.get(0).toString();
        assertTrue(msg.contains("spec.kprobes[0].returnArgAction: returnArgAction TrackSock is not supported yet: socket"
                + " tracking needs a map of tracked socks"), msg);
        assertTrue(msg.contains("not the sock's owner"), msg);
    }

    @Test
    void untrackSockAction() {
        List<PolicyProblem> p = rejected("""
                  kprobes:
                  - call: "tcp_connect"
                    syscall: false
                    args:
                    - index: 0
                      type: "sock"
                    selectors:
                    - matchActions:
                      - action: UntrackSock
                        argSock: 0
                """);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).toString().contains("spec.kprobes[0].selectors[0].matchActions[0]: action UntrackSock is not"
                + " supported yet: socket tracking needs a map of tracked socks"), p.toString());
    }
}

package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.plan.PolicyProblem;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.bpf.Backend;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.TracingPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Socket tracking -> gen_config bytes: returnArgAction TrackSock/UntrackSock is a hook flag, the TrackSock/UntrackSock
 * actions an action bit and the args[] slot of argSock (SockTracking, SelectorEncoder).
 */
class SockTrackingEncodingTest {
    private static TracingPolicy policy(String spec) {
        return Fixtures.parse("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "socks"
                spec:
                """ + spec, Path.of("socks.yaml"));
    }

    private static byte[] config(String spec, Backend backend) throws PolicyRejectedException {
        return Fixtures.compile(policy(spec), backend).hooks().get(0).image().config();
    }

    private static List<PolicyProblem> rejected(String spec, Backend backend) {
        return assertThrows(PolicyRejectedException.class, () -> Fixtures.compile(policy(spec), backend)).problems();
    }

    private static final String SOCK_RETURN = """
              kprobes:
              - call: "tcp_connect"
                syscall: false
                return: true
                args:
                - index: 0
                  type: sock
                returnArg:
                  index: 0
                  type: sock
                returnArgAction: %s
            """;

    @Test
    void returnArgTrackSockIsAHookFlag() throws Exception {
        for (Backend b : List.of(Backend.KPROBE, Backend.FENTRY)) {
            byte[] c = config(SOCK_RETURN.formatted("TrackSock"), b);
            assertArrayEquals(new byte[] {
                0x11, 0x00, 0x00, 0x00  // flags = RETURN | TRACK_SOCK
            }, Arrays.copyOfRange(c, GenericAbi.Config.FLAGS, GenericAbi.Config.FLAGS + 4), b.toString());
        }
    }

    @Test
    void returnArgUntrackSockIsTheOtherFlag() throws Exception {
        byte[] c = config(SOCK_RETURN.formatted("UntrackSock"), Backend.KPROBE);
        assertArrayEquals(new byte[] {
            0x21, 0x00, 0x00, 0x00  // flags = RETURN | UNTRACK_SOCK
        }, Arrays.copyOfRange(c, GenericAbi.Config.FLAGS, GenericAbi.Config.FLAGS + 4));
    }

    @Test
    void returnArgPostSetsNoFlag() throws Exception {
        byte[] c = config(SOCK_RETURN.formatted("Post"), Backend.KPROBE);
        assertEquals(GenericAbi.HookFlag.RETURN, ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).getInt(GenericAbi.Config.FLAGS));
    }

    @Test
    void untrackSockActionNamesTheSlotOfArgSock() throws Exception {
        // argSock names args[].index 0, which is the second entry of args: slot 1
        byte[] c = config("""
                  kprobes:
                  - call: "tcp_connect"
                    syscall: false
                    args:
                    - index: 1
                      type: int
                    - index: 0
                      type: sock
                    selectors:
                    - matchActions:
                      - action: UntrackSock
                        argSock: 0
                """, Backend.KPROBE);
        int s = GenericAbi.Config.SEL;
        assertArrayEquals(new byte[] {
            0x00, 0x02, 0x00, 0x00, // actions = UNTRACKSOCK (0x200), no POST bit: posted all the same (no NOPOST)
            0x00, 0x00, 0x00, 0x00, // arg_error
            0x00, 0x00, 0x00, 0x00, // arg_sig
            0x01, 0x00, 0x00, 0x00  // arg_sock = slot 1
        }, Arrays.copyOfRange(c, s + GenericAbi.Selector.ACTIONS, s + GenericAbi.Selector.ARG_SOCK + 4));
    }

    @Test
    void trackSockActionWithPost() throws Exception {
        byte[] c = config("""
                  kprobes:
                  - call: "tcp_connect"
                    syscall: false
                    args:
                    - index: 0
                      type: sock
                    selectors:
                    - matchActions:
                      - action: TrackSock
                        argSock: 0
                      - action: Post
                """, Backend.KPROBE);
        int s = GenericAbi.Config.SEL;
        assertArrayEquals(new byte[] {
            0x01, 0x01, 0x00, 0x00  // actions = POST | TRACKSOCK (0x101)
        }, Arrays.copyOfRange(c, s + GenericAbi.Selector.ACTIONS, s + GenericAbi.Selector.ACTIONS + 4));
        assertEquals(0, c[s + GenericAbi.Selector.ARG_SOCK]);
    }

    @Test
    void argSockMustNameASockArgument() {
        List<PolicyProblem> p = rejected("""
                  kprobes:
                  - call: "tcp_connect"
                    syscall: false
                    args:
                    - index: 0
                      type: sock
                    selectors:
                    - matchActions:
                      - action: UntrackSock
                        argSock: 3
                """, Backend.KPROBE);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).toString().contains("spec.kprobes[0].selectors[0].matchActions[0]: UntrackSock argSock: no"
                + " argument with index 3 in this hook's args"), p.toString());
    }

    @Test
    void tracepointBackendRefusesReturnArgTrackSock() {
        // a syscall: served by the tracepoint backend, whose sys_exit returns no sock
        List<PolicyProblem> p = rejected("""
                  kprobes:
                  - call: "sys_connect"
                    return: true
                    args:
                    - index: 0
                      type: int
                    returnArg:
                      index: 0
                      type: sock
                    returnArgAction: TrackSock
                """, Backend.TRACEPOINT);
        assertTrue(p.toString().contains("spec.kprobes[0].returnArgAction: returnArgAction TrackSock needs the struct"
                + " sock * a kernel function returns (kprobe or fentry backend)"), p.toString());
    }
}

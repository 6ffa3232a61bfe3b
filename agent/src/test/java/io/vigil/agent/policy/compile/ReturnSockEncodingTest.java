package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** returnArg sock -> one more args[] slot filled from the return value (ReturnSock), byte by byte. */
class ReturnSockEncodingTest {
    private static final String POLICY = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: "ret-sock"
            spec:
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
                selectors:
                - matchReturnArgs:
                  - index: 0
                    operator: "SPort"
                    values: ["1337"]
            """;

    @Test
    void theReturnedSockTakesTheSlotAfterTheArguments() throws Exception {
        HookImage img = Fixtures.compile(Fixtures.parse(POLICY, Path.of("ret-sock.yaml")), Backend.KPROBE).hooks().get(0).image();
        byte[] c = img.config();
        assertEquals(2, c[GenericAbi.Config.NARGS]);                          // the sock argument and the return
        assertEquals(GenericAbi.ArgType.S64, c[GenericAbi.Config.RET_TYPE]);  // msg_generic.ret: the raw pointer
        int arg1 = GenericAbi.Config.ARGS + GenericAbi.Arg.SIZEOF;
        assertArrayEquals(new byte[] {
            0x10,                   // type = SOCK
            0x20,                   // flags = FROM_RET: the value is the return value
            0x00, 0x00,             // src, size_src: unused
            0x00, 0x00, 0x00, 0x00, // ctx_off, size_ctx_off
            0x00, 0x00, 0x00, 0x00  // ctx_size, size_ctx_size, pad
        }, Arrays.copyOfRange(c, arg1, arg1 + GenericAbi.Arg.SIZEOF));
        int f = GenericAbi.Config.SEL + GenericAbi.Selector.FILTERS;
        assertEquals(1, c[f + GenericAbi.Filter.SLOT]);                       // matchReturnArgs reads args[1]
        assertEquals(GenericAbi.Op.SPORT, c[f + GenericAbi.Filter.OP]);
    }
}

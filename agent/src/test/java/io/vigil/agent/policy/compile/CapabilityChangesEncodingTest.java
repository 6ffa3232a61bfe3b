package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** matchCapabilityChanges -> gen_selector.capc_* (generic_abi.h), byte by byte, apart from matchCapabilities. */
class CapabilityChangesEncodingTest {
    /** Tetragon's fd_install_cap_changes.yaml, and a NotIn Permitted variant next to a matchCapabilities. */
    private static final String POLICY = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: "fd-install"
            spec:
              kprobes:
              - call: "fd_install"
                syscall: false
                args:
                - index: 0
                  type: int
                - index: 1
                  type: "file"
                selectors:
                - matchCapabilityChanges:
                  - type: Effective
                    operator: In
                    isNamespaceCapability: true
                    values:
                    - "CAP_SYS_ADMIN"
                    - "CAP_NET_RAW"
                - matchCapabilities:
                  - type: Effective
                    operator: In
                    values: ["CAP_CHOWN"]
                  matchCapabilityChanges:
                  - type: Permitted
                    operator: NotIn
                    values: ["CAP_CHECKPOINT_RESTORE"]
            """;

    private static byte[] selectorBytes(byte[] config, int sel, int from, int to) {
        int base = GenericAbi.Config.SEL + sel * GenericAbi.Selector.SIZEOF;
        return Arrays.copyOfRange(config, base + from, base + to);
    }

    private static byte[] config(Backend backend) throws Exception {
        HookImage img = Fixtures.compile(Fixtures.parse(POLICY, Path.of("fd_install_cap_changes.yaml")), backend)
                .hooks().get(0).image();
        return img.config();
    }

    @Test
    void exampleSelector() throws Exception {
        for (Backend b : new Backend[] {Backend.TRACEPOINT, Backend.KPROBE}) {
            byte[] c = config(b);
            assertArrayEquals(bytes(
                    0x01,                     // capc_op = IN
                    0x00,                     // capc_type = EFFECTIVE
                    0x01,                     // capc_ns = 1: isNamespaceCapability
                    0x00, 0x00, 0x00, 0x00, 0x00, // pad3
                    0x00, 0x20, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00), // capc_mask = 1 << 21 (SYS_ADMIN) | 1 << 13 (NET_RAW)
                    selectorBytes(c, 0, GenericAbi.Selector.CAPC_OP, GenericAbi.Selector.SIZEOF), b.toString());
            assertArrayEquals(new byte[16], // no matchCapabilities: cap_op .. cap_mask stay zero (rate_scope aside)
                    zeroRate(selectorBytes(c, 0, GenericAbi.Selector.CAP_OP, GenericAbi.Selector.ACTIONS)), b.toString());
        }
    }

    @Test
    void changesBesideCapabilities() throws Exception {
        byte[] c = config(Backend.TRACEPOINT);
        assertArrayEquals(bytes(
                0x02,                         // capc_op = NOT_IN
                0x02,                         // capc_type = PERMITTED
                0x00,                         // capc_ns = 0
                0x00, 0x00, 0x00, 0x00, 0x00, // pad3
                0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00), // capc_mask = 1 << 40 (CHECKPOINT_RESTORE)
                selectorBytes(c, 1, GenericAbi.Selector.CAPC_OP, GenericAbi.Selector.SIZEOF));
        assertArrayEquals(bytes(
                0x01,                         // cap_op = IN
                0x00),                        // cap_type = EFFECTIVE
                selectorBytes(c, 1, GenericAbi.Selector.CAP_OP, GenericAbi.Selector.CAP_TYPE + 1));
        assertArrayEquals(bytes(0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), // cap_mask = 1 << 0 (CHOWN)
                selectorBytes(c, 1, GenericAbi.Selector.CAP_MASK, GenericAbi.Selector.CAP_MASK + 8));
    }

    /** rate_scope sits among the capability fields; it is not theirs. */
    private static byte[] zeroRate(byte[] capFields) {
        capFields[GenericAbi.Selector.RATE_SCOPE - GenericAbi.Selector.CAP_OP] = 0;
        capFields[GenericAbi.Selector.NNS - GenericAbi.Selector.CAP_OP] = 0;
        return capFields;
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }
}

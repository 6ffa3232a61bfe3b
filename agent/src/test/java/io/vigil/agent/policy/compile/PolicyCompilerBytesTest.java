package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The exact bytes of one small hook, word by word (little-endian), as generic_abi.h lays them out. */
class PolicyCompilerBytesTest {
    private static final String POLICY = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: "etc"
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
                    operator: "Prefix"
                    values: ["/etc/"]
            """;

    @Test
    void openatPrefixOnTracepoints() throws Exception {
        HookImage img = Fixtures.compile(Fixtures.parse(POLICY, Path.of("etc.yaml")), Backend.TRACEPOINT).hooks().get(0).image();
        byte[] want = new byte[GenericAbi.Config.SIZEOF];
        put(want, 0, // struct gen_config
                0x64, 0x00, 0x00, 0x00,   // hook_id = 100 (CompileContext.firstHookId)
                0x08, 0x00, 0x00, 0x00,   // flags = SYSCALL_TP
                0x01,                     // nargs = 1
                0x01,                     // nselectors = 1
                0x00,                     // ret_type = NONE (no return value)
                0x00,                     // pad
                0x00, 0x00,               // ret_ctx_off = 0
                0x00, 0x00);              // pad2
        put(want, 16, // args[0]
                0x0a,                     // type = STRING
                0x01,                     // flags = USER (a syscall's pointer)
                0x01,                     // src = 1 (kprobe backend: syscall argument 1)
                0x00,                     // size_src = none
                0x18, 0x00,               // ctx_off = 24 = 16 + 8 * 1 (sys_enter args[1])
                0x00, 0x00,               // size_ctx_off
                0x08,                     // ctx_size = 8
                0x00,                     // size_ctx_size
                0x00, 0x00);              // pad
        put(want, 80, // sel[0]
                0x01,                     // nfilters = 1
                0x00, 0x00, 0x00, 0x00,   // bin_op, bin_bit, pbin_op, pbin_bit: no matchBinaries
                0x00, 0x00, 0x00);        // pid_op, pid_flags, npids: no matchPIDs
        put(want, 80 + 40, // sel[0].actions
                0x01, 0x00, 0x00, 0x00);  // POST (no matchActions)
        put(want, 80 + 304, // sel[0].filters[0]
                0x00,                     // slot = 0: argument index 1 is args[0]
                0x03,                     // op = PREFIX
                0x00,                     // nvals = 0 (values in gen_prefix)
                0x00,                     // pad
                0x01, 0x00, 0x00, 0x00);  // set_id = 1 (first filter of the hook)
        assertArrayEquals(want, img.config());

        assertEquals(1, img.entries().size());
        HookImage.MapEntry e = img.entries().get(0);
        assertEquals("gen_prefix", e.map());
        byte[] key = new byte[GenericAbi.LpmStrKey.SIZEOF];
        put(key, 0, // struct gen_lpm_str_key
                0x48, 0x00, 0x00, 0x00,   // prefixlen = 72 = 32 (set_id) + 8 * 5
                0x01, 0x00, 0x00, 0x00,   // set_id = 1
                '/', 'e', 't', 'c', '/'); // str, zero-padded to 252
        assertArrayEquals(key, e.key());
        assertArrayEquals(new byte[] {1}, e.value());
    }

    private static void put(byte[] dst, int off, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            dst[off + i] = (byte) bytes[i];
        }
    }
}

package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    @Test
    void fileOpenServedBySysExitOpenat() throws Exception {
        HookImage img = Fixtures.compile(Fixtures.parse("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "open"
                spec:
                  kprobes:
                  - call: "security_file_open"
                    syscall: false
                    args:
                    - index: 0
                      type: "file"
                """, Path.of("open.yaml")), Backend.TRACEPOINT).hooks().get(0).image();
        assertEquals(List.of(new HookImage.Attachment("generic_tp_enter", HookImage.AttachKind.TRACEPOINT,
                "syscalls/sys_enter_openat"), new HookImage.Attachment("generic_tp_exit", HookImage.AttachKind.TRACEPOINT,
                "syscalls/sys_exit_openat")), img.attachments());
        byte[] want = new byte[GenericAbi.Config.SIZEOF];
        put(want, 0, // struct gen_config
                0x64, 0x00, 0x00, 0x00,   // hook_id = 100
                0x09, 0x00, 0x00, 0x00,   // flags = RETURN | SYSCALL_TP: emitted at sys_exit_openat
                0x01,                     // nargs = 1
                0x01,                     // nselectors = 1: the mapping's own (the policy has none)
                0x03,                     // ret_type = S64: the syscall's return value, for the filter
                0x00,                     // pad
                0x10, 0x00,               // ret_ctx_off = 16: sys_exit's ret
                0x00, 0x00);              // pad2
        put(want, 16, // args[0]
                0x0d,                     // type = FILE
                0x60,                     // flags = FROM_RET | FROM_FD: the returned fd's file
                0x00, 0x00,               // src, size_src: unused
                0x00, 0x00,               // ctx_off: not read from the record
                0x00, 0x00,               // size_ctx_off
                0x00, 0x00,               // ctx_size, size_ctx_size
                0x00, 0x00);              // pad
        put(want, 80, // sel[0]
                0x01);                    // nfilters = 1
        put(want, 80 + 40, // sel[0].actions
                0x01, 0x00, 0x00, 0x00);  // POST
        put(want, 80 + 304, // sel[0].filters[0]: security_file_open runs only for opens that get this far
                0x05,                     // slot = SLOT_RETURN
                0x07,                     // op = GT
                0x01,                     // nvals = 1
                0x00,                     // pad
                0x01, 0x00, 0x00, 0x00,   // set_id = 1
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff); // vals[0] = -1: ret >= 0
        assertArrayEquals(want, img.config());
        assertEquals(List.of(), img.entries());
    }

    @Test
    void binPrefixCarriesTheShorterPrefixesBits() {
        BinaryTableSet t = new BinaryTableSet(Map.of("/bin/sh", 0x1L), Map.of("/usr/", 0x2L, "/usr/local/", 0x4L),
                Map.of(), 0);
        List<HookImage.MapEntry> e = t.mapEntries();
        assertEquals(List.of("bin_names", "bin_prefix", "bin_prefix"), e.stream().map(HookImage.MapEntry::map).toList());
        byte[] name = new byte[GenericAbi.BinPathKey.SIZEOF];
        put(name, 0, '/', 'b', 'i', 'n', '/', 's', 'h'); // path, zero-padded to 256
        assertArrayEquals(name, e.get(0).key());
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, e.get(0).value()); // bit 0
        byte[] local = new byte[GenericAbi.BinLpmKey.SIZEOF];
        put(local, 0,
                0x58, 0x00, 0x00, 0x00,   // prefixlen = 88 = 8 * 11 bytes
                '/', 'u', 's', 'r', '/', 'l', 'o', 'c', 'a', 'l', '/');
        assertArrayEquals(local, e.get(2).key());
        assertArrayEquals(new byte[] {6, 0, 0, 0, 0, 0, 0, 0}, e.get(2).value()); // its bit 2 and /usr/'s bit 1
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, e.get(1).value()); // /usr/: only its own
    }

    private static void put(byte[] dst, int off, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            dst[off + i] = (byte) bytes[i];
        }
    }
}

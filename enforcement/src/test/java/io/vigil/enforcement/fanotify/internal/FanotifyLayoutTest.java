package io.vigil.enforcement.fanotify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.internal.LibBpf;
import io.vigil.bpf.internal.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * EventMetadata's and Response's offsets against the running kernel's own BTF
 * (/sys/kernel/btf/vmlinux, readable without root): a constant NAME is the byte offset of member
 * name.toLowerCase(), SIZEOF is sizeof(struct), and every member has a constant.
 */
class FanotifyLayoutTest {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    @Test
    void eventMetadataMatchesTheKernel() throws Exception {
        check("fanotify_event_metadata", Map.of("EVENT_LEN", EventMetadata.EVENT_LEN, "VERS", EventMetadata.VERS,
                "RESERVED", EventMetadata.RESERVED, "METADATA_LEN", EventMetadata.METADATA_LEN, "MASK", EventMetadata.MASK,
                "FD", EventMetadata.FD, "PID", EventMetadata.PID), EventMetadata.SIZEOF);
    }

    @Test
    void responseMatchesTheKernel() throws Exception {
        check("fanotify_response", Map.of("FD", Response.FD, "RESPONSE", Response.RESPONSE), Response.SIZEOF);
    }

    private static void check(String struct, Map<String, Integer> javaOffsets, int javaSize) {
        Assumptions.assumeTrue(Files.isReadable(VMLINUX), "no " + VMLINUX + ": kernel without CONFIG_DEBUG_INFO_BTF");
        LibBpf lib = Native.libbpf();
        Pointer btf = lib.btf__parse(VMLINUX.toString(), null);
        assertNotNull(btf, "btf__parse(" + VMLINUX + "): errno " + Native.errno());
        try {
            int id = lib.btf__find_by_name_kind(btf, struct, LibBpf.BTF_KIND_STRUCT);
            assertTrue(id > 0, "struct " + struct + " is not in the kernel's BTF");
            Pointer t = lib.btf__type_by_id(btf, id);
            int info = t.getInt(4);
            int vlen = info & 0xffff;
            boolean kflag = (info >>> 31) != 0;
            assertEquals(javaSize, t.getInt(8), "sizeof(struct " + struct + ")");
            Map<String, Integer> kernel = new LinkedHashMap<>();
            for (int i = 0; i < vlen; i++) {
                long m = 12L + 12L * i; // struct btf_member {name_off, type, offset}
                String name = lib.btf__name_by_offset(btf, t.getInt(m));
                int bits = t.getInt(m + 8);
                kernel.put(name.toUpperCase(Locale.ROOT), (kflag ? bits & 0xffffff : bits) / 8);
            }
            assertEquals(new java.util.TreeMap<>(kernel), new java.util.TreeMap<>(javaOffsets), "byte offsets of struct " + struct);
        } finally {
            lib.btf__free(btf);
        }
    }
}

package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.bpf.Backend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** security_file_permission on the tracepoint backend: only the syscalls whose mask a selector can accept are loaded. */
class DeadVariantsTest {
    private static List<String> targets(String selectors) throws Exception {
        CompiledPolicy c = Fixtures.compile(Fixtures.parse("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "perm"
                spec:
                  kprobes:
                  - call: "security_file_permission"
                    syscall: false
                    args:
                    - index: 0
                      type: "file"
                    - index: 1
                      type: "int"
                """ + selectors, Path.of("perm.yaml")), Backend.TRACEPOINT);
        return c.hooks().stream().map(h -> h.image().attachments().get(0).target().replace("syscalls/sys_enter_", "")).toList();
    }

    @Test
    void readOnlySelectorDropsTheWrites() throws Exception {
        assertEquals(List.of("read", "pread64", "readv"), targets("""
                    selectors:
                    - matchArgs:
                      - index: 1
                        operator: "Equal"
                        values: ["4"]    # MAY_READ
                """));
    }

    @Test
    void aSelectorWithoutMaskFilterKeepsEverySyscall() throws Exception {
        assertEquals(List.of("read", "pread64", "readv", "write", "pwrite64", "writev"), targets("""
                    selectors:
                    - matchArgs:
                      - index: 1
                        operator: "Mask"
                        values: ["2"]    # MAY_WRITE
                    - matchArgs:
                      - index: 0
                        operator: "Prefix"
                        values: ["/etc/"]
                """));
        assertEquals(6, targets("").size());   // no selectors: every call posts
    }

    @Test
    void greaterThanDecidedPerSyscall() throws Exception {
        assertEquals(List.of("read", "pread64", "readv"), targets("""
                    selectors:
                    - matchArgs:
                      - index: 1
                        operator: "GT"
                        values: ["3"]
                """));
    }
}

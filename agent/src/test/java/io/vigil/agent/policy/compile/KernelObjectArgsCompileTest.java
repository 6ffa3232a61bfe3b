package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.plan.FakeHosts;
import io.vigil.agent.policy.plan.FixedHostFacts;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.NamespaceType;
import io.vigil.policy.TracingPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * dentry, kiocb and net_device (generic_kobj.h) in the shapes of Tetragon's examples
 * (security_inode_follow_link.yaml, tty.yaml, dev_hard_start_xmit.yaml) compile for the kprobe
 * backend: the argument's ABI type, and string filters on them encoded as on a path.
 */
class KernelObjectArgsCompileTest {
    private static final Set<String> FUNCTIONS = Set.of("security_inode_follow_link", "tty_write", "pipe_write",
            "dev_hard_start_xmit", "bpf_check", "security_bpf_map_alloc", "security_bpf_map_create", "security_perf_event_alloc", "cap_capable", "security_kernel_module_request",
            "security_kernel_read_file", "do_init_module", "free_module");

    /** Fixtures.CONTEXT with the host's pid namespace too (creds-capability-usage.yaml's host_ns). */
    private static final CompileContext HOST_NAMESPACES = new CompileContext(100, 0b1, Map.of(NamespaceType.MNT, 4026531841L,
            NamespaceType.NET, 4026531840L, NamespaceType.PID, 4026531836L), SyscallTable.forArch("x86_64"));

    private static HookPlanner kprobePlanner() {
        Set<String> functions = new HashSet<>(FakeHosts.FUNCTIONS);
        functions.addAll(FUNCTIONS);
        return new HookPlanner(Backend.KPROBE, new FixedHostFacts("x86_64", Map.of(), functions));
    }

    private static HookImage compile(String call, int index, String type, String selector) throws PolicyRejectedException {
        TracingPolicy p = Fixtures.parse("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "kobj"
                spec:
                  kprobes:
                  - call: "%s"
                    syscall: false
                    args:
                    - index: %d
                      type: "%s"
                %s""".formatted(call, index, type, selector.indent(4)), Path.of("kobj.yaml"));
        return PolicyCompiler.compile(p, kprobePlanner().plan(p).hooks(), Fixtures.CONTEXT).hooks().get(0).image();
    }

    private static ByteBuffer arg0(HookImage img) {
        return ByteBuffer.wrap(img.config(), GenericAbi.Config.ARGS, GenericAbi.Arg.SIZEOF).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void dentryIsReadFromTheFunctionsArgument() throws Exception {
        ByteBuffer a = arg0(compile("security_inode_follow_link", 0, "dentry", ""));
        assertEquals(24, a.get(GenericAbi.Arg.TYPE));       // DENTRY
        assertEquals(0, a.get(GenericAbi.Arg.FLAGS));       // a kernel pointer, not user memory
        assertEquals(0, a.get(GenericAbi.Arg.SRC));         // the first argument
    }

    @Test
    void kiocbIsItsFilesPath() throws Exception {
        ByteBuffer a = arg0(compile("tty_write", 0, "kiocb", ""));
        assertEquals(25, a.get(GenericAbi.Arg.TYPE));       // KIOCB
    }

    /** bpf.yaml's bpf_check (argument 1) and security_bpf_map_alloc: read as structs, not filtered. */
    @Test
    void bpfAttrAndBpfMap() throws Exception {
        ByteBuffer a = arg0(compile("bpf_check", 1, "bpf_attr", ""));
        assertEquals(27, a.get(GenericAbi.Arg.TYPE));       // BPF_ATTR
        assertEquals(1, a.get(GenericAbi.Arg.SRC));
        assertEquals(28, arg0(compile("security_bpf_map_alloc", 0, "bpf_map", "")).get(GenericAbi.Arg.TYPE));   // BPF_MAP
    }

    @Test
    void userNamespace() throws Exception {
        ByteBuffer a = arg0(compile("cap_capable", 1, "user_namespace", ""));
        assertEquals(29, a.get(GenericAbi.Arg.TYPE));       // USER_NS
        assertEquals(1, a.get(GenericAbi.Arg.SRC));
    }

    /** bpf.yaml's security_perf_event_alloc. */
    @Test
    void perfEvent() throws Exception {
        assertEquals(31, arg0(compile("security_perf_event_alloc", 0, "perf_event", "")).get(GenericAbi.Arg.TYPE));   // PERF_EVENT
    }

    /** tty.yaml's tty_write: iov_iter is argument 1, a kernel struct (no USER flag), maxData kept. */
    @Test
    void iovIterWithMaxData() throws Exception {
        TracingPolicy p = Fixtures.parse("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "tty"
                spec:
                  kprobes:
                  - call: "tty_write"
                    syscall: false
                    args:
                    - index: 0
                      type: "kiocb"
                    - index: 1
                      type: "iov_iter"
                      maxData: true
                """, Path.of("tty.yaml"));
        HookImage img = PolicyCompiler.compile(p, kprobePlanner().plan(p).hooks(), Fixtures.CONTEXT).hooks().get(0).image();
        ByteBuffer a = ByteBuffer.wrap(img.config(), GenericAbi.Config.ARGS + GenericAbi.Arg.SIZEOF, GenericAbi.Arg.SIZEOF)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(32, a.get(GenericAbi.Arg.TYPE));                          // IOV_ITER
        assertEquals(GenericAbi.ArgFlag.MAX_DATA, a.get(GenericAbi.Arg.FLAGS)); // 0x04 only: not user memory
        assertEquals(1, a.get(GenericAbi.Arg.SRC));
    }

    @Test
    void module() throws Exception {
        assertEquals(30, arg0(compile("do_init_module", 0, "module", "")).get(GenericAbi.Arg.TYPE));   // MODULE
    }

    /** dev_hard_start_xmit.yaml: net_device is argument 1; Equal "lo" goes to gen_str_eq like a path's Equal. */
    @Test
    void netDeviceEqualIsAStringSet() throws Exception {
        HookImage img = compile("dev_hard_start_xmit", 1, "net_device", """
                selectors:
                - matchArgs:
                  - index: 1
                    operator: Equal
                    values: ["lo"]
                """);
        ByteBuffer a = arg0(img);
        assertEquals(26, a.get(GenericAbi.Arg.TYPE));       // NET_DEVICE
        assertEquals(1, a.get(GenericAbi.Arg.SRC));         // the second argument
        ByteBuffer f = ByteBuffer.wrap(img.config()).order(ByteOrder.LITTLE_ENDIAN);
        int filter = GenericAbi.Config.SEL + GenericAbi.Selector.FILTERS;
        assertEquals(0, f.get(filter + GenericAbi.Filter.SLOT));
        assertEquals(GenericAbi.Op.EQ, f.get(filter + GenericAbi.Filter.OP));
        List<HookImage.MapEntry> eq = img.entries().stream().filter(e -> e.map().equals("gen_str_eq")).toList();
        assertEquals(1, eq.size());
        ByteBuffer key = ByteBuffer.wrap(eq.get(0).key()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, key.getInt(4));                     // len
        assertEquals("lo", new String(eq.get(0).key(), 8, 2, StandardCharsets.US_ASCII));
    }

    /** Tetragon's own example files, read in place where the workspace has them: what still blocks each. */
    @Test
    void tetragonExamples() throws Exception {
        Path dir = Path.of(System.getProperty("vigil.tetragon.examples", "/work/shared/tetragon-examples"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "no Tetragon examples at " + dir);
        assertEquals("compiles", verdict(dir.resolve("security_inode_follow_link.yaml")));
        assertEquals("compiles", verdict(dir.resolve("dev_hard_start_xmit.yaml")));
        assertEquals("compiles", verdict(dir.resolve("bpf.yaml")));
        assertEquals("compiles", verdict(dir.resolve("process-credentials/creds-capability-usage.yaml")));
        assertEquals("compiles", verdict(dir.resolve("host-changes/monitor-kernel-modules.yaml")));
        assertEquals("compiles", verdict(dir.resolve("tty.yaml")));
    }

    private static String verdict(Path file) throws Exception {
        TracingPolicy p = Fixtures.parse(Files.readString(file), file);
        try {
            PolicyCompiler.compile(p, kprobePlanner().plan(p).hooks(), HOST_NAMESPACES);
            return "compiles";
        } catch (PolicyRejectedException e) {
            return e.getMessage() + " " + e.problems();
        }
    }
}

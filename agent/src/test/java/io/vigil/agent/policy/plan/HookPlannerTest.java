package io.vigil.agent.policy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HookPlannerTest {
    private static final HookPlanner TP = new HookPlanner(Backend.TRACEPOINT, FakeHosts.x86());
    private static final FixedHostFacts ARM = new FixedHostFacts("aarch64", Map.of(),
            Set.of("__arm64_sys_openat", "security_file_open"));
    private static final HookPlanner KP = new HookPlanner(Backend.KPROBE, ARM);

    private static List<HookPlan> plan(HookPlanner planner, String kprobes) throws PolicyRejectedException {
        LoadResult r = PolicyLoader.loadText("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "p"
                spec:
                  kprobes:
                """ + kprobes, Path.of("p.yaml"));
        assertTrue(r.ok(), r.errors()::toString);
        return planner.plan(r.policies().get(0)).hooks();
    }

    @Test
    void everySpellingOfASyscallIsItsTracepoint() throws Exception {
        for (String call : List.of("sys_openat", "__x64_sys_openat", "__arm64_sys_openat")) {
            HookPlan p = plan(TP, "  - call: \"" + call + "\"\n    syscall: true\n").get(0);
            assertEquals("bpf_generic_tp", p.object());
            assertEquals(List.of(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, "syscalls/sys_enter_openat")),
                    p.attachments(), call);
            assertEquals("__x64_sys_openat", p.functionName(), call);
        }
    }

    @Test
    void returnValueAddsTheExitTracepoint() throws Exception {
        HookPlan p = plan(TP, """
                  - call: "sys_openat"
                    syscall: true
                    return: true
                    args:
                    - index: 3
                      type: "int"
                    returnArg:
                      index: 0
                      type: "int"
                """).get(0);
        assertEquals("syscalls/sys_exit_openat", p.attachments().get(1).target());
        assertEquals("generic_tp_exit", p.attachments().get(1).program());
        assertEquals(16, p.retCtxOff());
        assertEquals(16 + 8 * 3, p.args().get(0).ctxOff());
        assertEquals(3, p.args().get(0).src());
    }

    @Test
    void kprobeBackendUsesTheArchWrapper() throws Exception {
        HookPlan p = plan(KP, "  - call: \"sys_openat\"\n    syscall: true\n").get(0);
        assertEquals("bpf_generic_kprobe", p.object());
        assertEquals(List.of(new Attachment("generic_kprobe", AttachKind.KPROBE, "__arm64_sys_openat")), p.attachments());
        assertTrue(p.userPointers());
    }

    @Test
    void kernelFunctionOnKprobeBackend() throws Exception {
        HookPlan p = plan(KP, "  - call: \"security_file_open\"\n    syscall: false\n").get(0);
        assertEquals(List.of(new Attachment("generic_kprobe", AttachKind.KPROBE, "security_file_open")), p.attachments());
        assertEquals("security_file_open", p.functionName());
        assertTrue(p.kernelStructs());
        assertEquals(0, p.flags());
    }

    @Test
    void syscallPrefixPerArch() {
        assertEquals("__x64_sys_", new FixedHostFacts("amd64", Map.of(), Set.of()).syscallPrefix());
        assertEquals("__arm64_sys_", ARM.syscallPrefix());
    }

    @Test
    void formatFieldsWithOffsets() {
        TracepointFormat f = TracepointFormat.parse("""
                format:
                	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
                	field:int common_pid;	offset:4;	size:4;	signed:1;

                	field:const char * filename;	offset:24;	size:8;	signed:0;
                	field:unsigned long args[6];	offset:16;	size:48;	signed:0;
                	field:__data_loc char[] name;	offset:8;	size:4;	signed:0;
                """);
        assertEquals(5, f.fields().size());
        assertEquals(new TracepointFormat.Field("const char * filename", "filename", 24, 8, false), f.fields().get(2));
        assertTrue(f.fields().get(2).isPointer());
        assertEquals("args", f.fields().get(3).name());
        assertTrue(f.fields().get(4).isDataLoc());
        assertTrue(f.fields().get(1).signed());
    }
}

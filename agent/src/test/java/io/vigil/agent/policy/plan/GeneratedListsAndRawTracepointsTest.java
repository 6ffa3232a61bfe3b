package io.vigil.agent.policy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.policy.ArgType;
import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Generated lists expanded from fake host facts (ListCalls), and raw tracepoints on tp_btf (RawTracepoints). */
class GeneratedListsAndRawTracepointsTest {
    private static final HookPlanner TP = new HookPlanner(Backend.TRACEPOINT, FakeHosts.x86());
    private static final HookPlanner KP = new HookPlanner(Backend.KPROBE, FakeHosts.x86());

    private static List<HookPlan> plan(HookPlanner planner, String spec) throws PolicyRejectedException {
        LoadResult r = PolicyLoader.loadText("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "p"
                spec:
                """ + spec, Path.of("p.yaml"));
        assertTrue(r.ok(), r.errors()::toString);
        return planner.plan(r.policies().get(0)).hooks();
    }

    private static String rejected(HookPlanner planner, String spec) {
        return assertThrows(PolicyRejectedException.class, () -> plan(planner, spec)).getMessage();
    }

    private static String list(String type, String pattern) {
        return """
                  lists:
                  - name: "l"
                    type: "%s"
                %s  kprobes:
                  - call: "list:l"
                """.formatted(type, pattern.isEmpty() ? "" : "    pattern: \"" + pattern + "\"\n");
    }

    private static List<String> sortedSyscalls() {
        return FakeHosts.SYSCALLS.stream().sorted().toList();
    }

    @Test
    void generatedSyscallsWithoutArgumentsAreOneRawSyscallsProgramOnEveryBackend() throws Exception {
        assertEquals(plan(TP, list("generated_syscalls", "")), plan(KP, list("generated_syscalls", "")));
        List<HookPlan> plans = plan(TP, list("generated_syscalls", ""));
        assertEquals(1, plans.size(), plans::toString);
        HookPlan p = plans.get(0);
        assertEquals(List.of(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, "raw_syscalls/sys_enter")),
                p.attachments());
        assertEquals("__x64_sys_*", p.functionName(), "the event side names each call from its syscall number");
        assertEquals(HookDescriptor.Kind.KPROBE, p.kind());
        assertEquals(1, p.args().size(), "the hidden syscall number");
        assertEquals(ArgType.SYSCALL64, p.args().get(0).type());
        assertEquals(8, p.args().get(0).ctxOff(), "trace_event_raw_sys_enter.id, after the 8 bytes of common fields");
        assertEquals(8, p.args().get(0).ctxSize());
    }

    @Test
    void generatedSyscallsReadingArgumentsAreEverySyscallTracepoint() throws Exception {
        List<HookPlan> plans = plan(TP, list("generated_syscalls", "") + """
                    args:
                    - index: 0
                      type: "int"
                """);
        assertEquals(sortedSyscalls().stream().map(s -> "__x64_sys_" + s).toList(),
                plans.stream().map(HookPlan::functionName).toList());
        for (HookPlan p : plans) {
            String name = p.functionName().substring("__x64_sys_".length());
            assertEquals(List.of(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, "syscalls/sys_enter_" + name)),
                    p.attachments());
            assertEquals(16, p.args().get(0).ctxOff(), "syscall argument 0 of its own tracepoint");
        }
    }

    @Test
    void generatedSyscallsReadingArgumentsOnTheKprobeBackendAreTheWrappersThatExist() throws Exception {
        FixedHostFacts x86 = FakeHosts.x86();
        Set<String> functions = new java.util.HashSet<>(x86.functions());
        functions.remove("__x64_sys_mount");   // a syscall with a tracepoint but no probe-able wrapper: left out
        HookPlanner kp = new HookPlanner(Backend.KPROBE, new FixedHostFacts("x86_64", x86.formats(), functions));
        List<HookPlan> plans = plan(kp, list("generated_syscalls", "") + """
                    args:
                    - index: 0
                      type: "int"
                """);
        List<String> expected = sortedSyscalls().stream().filter(s -> !s.equals("mount")).map(s -> "__x64_sys_" + s).toList();
        assertEquals(expected, plans.stream().map(HookPlan::functionName).toList());
        assertEquals(expected.stream().map(f -> new Attachment("generic_kprobe", AttachKind.KPROBE, f)).toList(),
                plans.stream().map(p -> p.attachments().get(0)).toList());
    }

    @Test
    void generatedFtraceIsTheFunctionsThePatternFinds() throws Exception {
        // Go's MatchString semantics: "^security_file_" finds a prefix, "connect$" a suffix anywhere
        assertEquals(List.of("security_file_open", "security_file_permission"),
                plan(KP, list("generated_ftrace", "^security_file_")).stream().map(HookPlan::functionName).toList());
        assertEquals(List.of("__x64_sys_connect", "security_socket_connect", "tcp_connect"),
                plan(KP, list("generated_ftrace", "connect$")).stream().map(HookPlan::functionName).toList());
        HookPlan p = plan(KP, list("generated_ftrace", "^tcp_connect$")).get(0);
        assertEquals(List.of(new Attachment("generic_kprobe", AttachKind.KPROBE, "tcp_connect")), p.attachments());
        assertTrue(p.kernelStructs() && !p.userPointers(), "a kernel function, not a syscall");
    }

    @Test
    void generatedFtraceOnTheTracepointBackendServesWhatAnyKprobeWould() throws Exception {
        List<HookPlan> served = plan(TP, list("generated_ftrace", "^security_file_open$"));
        assertTrue(served.stream().allMatch(p -> p.mappedFrom().orElse("").equals("security_file_open")), served::toString);
        String message = rejected(TP, list("generated_ftrace", "^commit_creds$"));
        assertTrue(message.contains("spec.kprobes[0].call: commit_creds: this kernel refuses kprobes"), message);
    }

    @Test
    void aGeneratedListThatFindsNothingIsRefused() {
        String message = rejected(KP, list("generated_ftrace", "^ksys_"));
        assertTrue(message.contains("list 'l' of type generated_ftrace: no function of available_filter_functions matches"
                + " '^ksys_'"), message);
        message = rejected(KP, list("generated_ftrace", "(unclosed"));
        assertTrue(message.contains("pattern '(unclosed' is not a regular expression"), message);
        HookPlanner bare = new HookPlanner(Backend.TRACEPOINT, new FixedHostFacts("x86_64", Map.of(), Set.of()));
        message = rejected(bare, list("generated_syscalls", ""));
        assertTrue(message.contains("this kernel lists no syscalls"), message);
    }

    private static final String RAW_EXEC = """
              tracepoints:
              - subsystem: "sched"
                event: "sched_process_exec"
                raw: true
                args:
                - index: 2
                  type: "%s"
            """;

    @Test
    void rawTracepointIsTheTpBtfProgramWithTpProtoPositions() throws Exception {
        for (HookPlanner planner : List.of(TP, KP)) {
            HookPlan p = plan(planner, RAW_EXEC.formatted("linux_binprm")).get(0);
            assertEquals("bpf_generic_tp", p.object());
            assertEquals(List.of(new Attachment("generic_tp_btf", AttachKind.TP_BTF, "sched_process_exec")), p.attachments());
            assertEquals(HookDescriptor.Kind.TRACEPOINT, p.kind());
            assertEquals("sched", p.subsystem());
            assertEquals("sched_process_exec", p.event());
            assertEquals(2, p.args().get(0).src(), "TP_PROTO(task, old_pid, bprm): bprm is ctx[2]");
            assertEquals(ArgType.LINUX_BINPRM, p.args().get(0).type());
            assertEquals(0, p.args().get(0).ctxSize(), "not read from a record");
            assertTrue(p.kernelStructs() && !p.userPointers());
        }
    }

    @Test
    void rawTracepointRefusals() {
        String message = rejected(TP, RAW_EXEC.formatted("auto"));
        assertTrue(message.contains("has type auto; a raw tracepoint has no format file"), message);
        message = rejected(TP, RAW_EXEC.replace("index: 2", "index: 6").formatted("int"));
        assertTrue(message.contains("argument index 6 of raw tracepoint sched_process_exec"), message);
        message = rejected(TP, RAW_EXEC.replace("sched_process_exec", "sched_nope").formatted("int"));
        assertTrue(message.contains("no tracepoint sched/sched_nope on this kernel"), message);
    }

    @Test
    void tracefsFactsListSyscallsAndFunctions(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("events/syscalls/sys_enter_read"));
        java.nio.file.Files.createDirectories(dir.resolve("events/syscalls/sys_exit_read"));
        java.nio.file.Files.createDirectories(dir.resolve("events/syscalls/sys_enter_getppid"));
        java.nio.file.Files.writeString(dir.resolve("available_filter_functions"),
                "ksys_write\nvfs_read\nksys_read [kvm]\nksys_write\n");
        TracefsHostFacts facts = new TracefsHostFacts(dir, dir.resolve("none"), "x86_64");
        assertEquals(List.of("getppid", "read"), facts.syscalls());
        assertEquals(List.of("ksys_read", "ksys_write", "vfs_read"), facts.ftraceFunctions());
    }
}

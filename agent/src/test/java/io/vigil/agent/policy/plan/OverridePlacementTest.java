package io.vigil.agent.policy.plan;

import static io.vigil.agent.policy.plan.TestPolicies.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.ArgType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a hook that Overrides is placed (the cgroup sock_addr programs) and what is refused, on both backends. */
class OverridePlacementTest {
    private static final HookPlanner TP = new HookPlanner(Backend.TRACEPOINT, FakeHosts.x86());
    private static final HookPlanner KP = new HookPlanner(Backend.KPROBE,
            new FixedHostFacts("x86_64", Map.of(), Set.of("security_socket_connect", "__x64_sys_sendto", "vfs_write")));

    private static String override(String call, boolean syscall, int index, String type, String action) {
        return """
                - call: "%s"
                  syscall: %s
                  args:
                  - index: %d
                    type: "%s"
                  selectors:
                  - matchActions:
                    - action: %s
                      argError: -1
                """.formatted(call, syscall, index, type, action);
    }

    @Test
    void connectOverrideRunsOnConnect4And6OnEveryBackend() throws Exception {
        for (HookPlanner planner : List.of(TP, KP)) {
            HookPlan p = plan(planner, "kprobes", override("security_socket_connect", false, 1, "sockaddr", "Override")).get(0);
            assertEquals("bpf_generic_sockaddr", p.object());
            assertEquals(List.of(new Attachment("gen_connect4", AttachKind.CGROUP, "/sys/fs/cgroup"),
                    new Attachment("gen_connect6", AttachKind.CGROUP, "/sys/fs/cgroup")), p.attachments());
            assertEquals(GenericAbi.ArgFlag.CTX_TUPLE, p.args().get(0).flags());
            assertEquals(ArgType.SOCKADDR, p.args().get(0).type());
            assertEquals("security_socket_connect", p.functionName());
            assertEquals(0, p.flags(), "no return, no syscall record");
        }
    }

    @Test
    void sendtoOverrideRunsOnSendmsg4And6WithTheSyscallsName() throws Exception {
        HookPlan p = plan(TP, "kprobes", override("sys_sendto", true, 0, "sock", "Override")).get(0);
        assertEquals(List.of("gen_sendmsg4", "gen_sendmsg6"), p.attachments().stream().map(Attachment::program).toList());
        assertEquals("__x64_sys_sendto", p.functionName());
    }

    @Test
    void lsmHookSocketConnect() throws Exception {
        HookPlan p = plan(TP, "lsmhooks", """
                - hook: "socket_connect"
                  args:
                  - index: 0
                    type: "socket"
                  selectors:
                  - matchActions:
                    - action: Override
                      argError: -1
                """).get(0);
        assertEquals("bpf_generic_sockaddr", p.object());
        assertEquals("socket_connect", p.functionName());
    }

    @Test
    void postOnlyHooksStayOnTheirBackend() throws Exception {
        HookPlan p = plan(TP, "kprobes", override("security_socket_connect", false, 1, "sockaddr", "Post")).get(0);
        assertEquals("bpf_generic_tp", p.object());
    }

    @Test
    void overrideElsewhereIsRejectedWithWhereItWorks() {
        for (HookPlanner planner : List.of(TP, KP)) {
            PolicyRejectedException e = assertThrows(PolicyRejectedException.class,
                    () -> plan(planner, "kprobes", override("vfs_write", false, 0, "file", "Override")));
            String m = e.problems().get(0).message();
            assertTrue(m.contains("Override on vfs_write cannot be carried out") && m.contains("security_socket_connect")
                    && m.contains("sys_sendto"), m);
            assertEquals("spec.kprobes[0].selectors", e.problems().get(0).where());
        }
    }

    @Test
    void argumentsTheContextDoesNotHaveAreRejected() {
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class,
                () -> plan(TP, "kprobes", override("security_socket_connect", false, 2, "int", "Override")));
        assertTrue(e.problems().get(0).message().contains("declare index 0 or index 1 as sock, socket or sockaddr"),
                e.problems().toString());
    }

    @Test
    void sigkillBesideOverrideIsRejected() {
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class, () -> plan(TP, "kprobes", """
                - call: "security_socket_connect"
                  syscall: false
                  selectors:
                  - matchActions:
                    - action: Override
                      argError: -1
                  - matchActions:
                    - action: Sigkill
                """));
        assertTrue(e.problems().get(0).message().contains("cannot send signals"), e.problems().toString());
    }

    @Test
    void fileOpenAndExecOverridesAreDecidedByTheAgentOnFanotify() throws Exception {
        HookPlan open = plan(TP, "kprobes", """
                - call: "security_file_open"
                  syscall: false
                  args:
                  - index: 0
                    type: "file"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["/etc/ssh/"]
                    matchActions:
                    - action: Override
                      argError: -1
                """).get(0);
        assertEquals("fanotify", open.object());
        assertEquals(List.of(new Attachment("open", AttachKind.FANOTIFY, "")), open.attachments());
        HookPlan exec = plan(KP, "kprobes", """
                - call: "sys_execve"
                  syscall: true
                  args:
                  - index: 0
                    type: "string"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Equal"
                      values: ["/usr/bin/nc"]
                    matchActions:
                    - action: Override
                      argError: -1
                """).get(0);
        assertEquals(List.of(new Attachment("exec", AttachKind.FANOTIFY, "")), exec.attachments());
        assertEquals("__x64_sys_execve", exec.functionName());
    }

    @Test
    void fileOverrideNeedsNamedPathsAndTheEventsOwnFilters() {
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class, () -> plan(TP, "kprobes", """
                - call: "security_file_open"
                  syscall: false
                  args:
                  - index: 0
                    type: "file"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Postfix"
                      values: [".gguf"]
                    matchNamespaces:
                    - namespace: Mnt
                      operator: In
                      values: ["host_ns"]
                    matchActions:
                    - action: Override
                      argError: -1
                """));
        String all = e.problems().toString();
        assertTrue(all.contains("give argument 0 an Equal (files) or Prefix (directories) filter"), all);
        assertTrue(all.contains("use matchArgs on the file, matchBinaries and matchPIDs only"), all);
    }

    /** A kprobe kernel with BPF LSM: the LSM hooks are the functions bpf_lsm_HOOK. */
    private static final HookPlanner LSM = new HookPlanner(Backend.KPROBE, new FixedHostFacts("x86_64", Map.of(),
            Set.of("security_socket_connect", "security_file_open", "security_inode_mkdir", "security_bprm_check",
                    "__x64_sys_linkat", "bpf_lsm_socket_connect", "bpf_lsm_file_open", "bpf_lsm_inode_mkdir",
                    "bpf_lsm_bprm_check_security"), true));

    private static final String EXEC_BY_SUFFIX = """
            - hook: "bprm_check_security"
              args:
              - index: 0
                type: "linux_binprm"
              selectors:
              - matchArgs:
                - index: 0
                  operator: "Postfix"
                  values: ["/nc"]
                matchActions:
                - action: Override
                  argError: -13
            """;

    @Test
    void withBpfLsmWhatNoScopedPlacementServesRunsInABpfLsmProgram() throws Exception {
        HookPlan exec = plan(LSM, "lsmhooks", EXEC_BY_SUFFIX).get(0);
        assertEquals("bpf_generic_lsm", exec.object());
        assertEquals(List.of(new Attachment("generic_lsm", AttachKind.LSM, "bprm_check_security")), exec.attachments());
        assertEquals("bprm_check_security", exec.functionName());
        assertEquals(0, exec.args().get(0).src(), "the hook's argument 0");

        HookPlan mkdir = plan(LSM, "kprobes", override("security_inode_mkdir", false, 0, "int", "Override")).get(0);
        assertEquals(List.of(new Attachment("generic_lsm", AttachKind.LSM, "inode_mkdir")), mkdir.attachments());
        assertEquals("security_inode_mkdir", mkdir.functionName());

        HookPlan both = plan(LSM, "kprobes", override("security_bprm_check", false, 0, "linux_binprm", "Override")
                .replace("      argError: -1", "      argError: -1\n    - action: Sigkill")).get(0);
        assertEquals("bpf_generic_lsm", both.object(), "Sigkill and Override together: an LSM program can do both");
        assertEquals("bprm_check_security", both.attachments().get(0).target());
    }

    @Test
    void withBpfLsmTheScopedPlacementsStayFirst() throws Exception {
        assertEquals("bpf_generic_sockaddr", plan(LSM, "kprobes", override("security_socket_connect", false, 1, "sockaddr",
                "Override")).get(0).object(), "connect: the cgroup program, as everywhere");
        assertEquals("fanotify", plan(LSM, "lsmhooks", EXEC_BY_SUFFIX.replace("Postfix", "Equal").replace("/nc", "/usr/bin/nc"))
                .get(0).object(), "a named binary: fanotify, which matches it by inode");
    }

    @Test
    void withoutBpfLsmOrForASyscallTheOverrideIsRefusedWithTheReason() throws Exception {
        PolicyRejectedException noLsm = assertThrows(PolicyRejectedException.class, () -> plan(TP, "lsmhooks", EXEC_BY_SUFFIX));
        assertTrue(noLsm.getMessage().contains("Equal (files) or Prefix (directories)"), noLsm.getMessage());
        PolicyRejectedException syscall = assertThrows(PolicyRejectedException.class,
                () -> plan(LSM, "kprobes", override("sys_linkat", true, 0, "int", "Override")));
        assertTrue(syscall.getMessage().contains("syscalls cannot fail from BPF here"), syscall.getMessage());
        PolicyRejectedException ret = assertThrows(PolicyRejectedException.class, () -> plan(LSM, "kprobes",
                override("security_inode_mkdir", false, 0, "int", "Override").replace("  syscall: false", "  syscall: false\n  return: true\n  returnArg:\n    index: 0\n    type: int")));
        assertTrue(ret.getMessage().contains("BPF LSM program on inode_mkdir"), ret.getMessage());
    }
}

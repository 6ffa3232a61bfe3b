package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.plan.PolicyProblem;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.bpf.Backend;
import io.vigil.policy.TracingPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Policies the planner or compiler must refuse, with messages that say where and what instead. */
class PolicyCompilerErrorTest {
    private static final String HEAD = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: "bad"
            spec:
            """;

    private static List<PolicyProblem> rejected(String spec, Backend backend) {
        TracingPolicy p = Fixtures.parse(HEAD + spec, Path.of("bad.yaml"));
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class, () -> Fixtures.compile(p, backend));
        return e.problems();
    }

    private static void assertOne(List<PolicyProblem> problems, String where, String... parts) {
        assertEquals(1, problems.size(), problems.toString());
        String msg = problems.get(0).toString();
        assertTrue(msg.startsWith("bad.yaml:1:1: " + where + ": "), msg);
        for (String part : parts) {
            assertTrue(msg.contains(part), () -> "'" + part + "' not in: " + msg);
        }
    }

    @Test
    void kernelFunctionOnTracepointBackendNamesTheAlternative() {
        assertOne(rejected("""
                  kprobes:
                  - call: "commit_creds"
                    syscall: false
                    args:
                    - index: 0
                      type: "cred"
                """, Backend.TRACEPOINT), "spec.kprobes[0].call", "commit_creds", "this kernel refuses kprobes and fentry",
                "sys_setuid", "security_file_open, fd_install");
    }

    @Test
    void getUrlNeedsAnHttpUrl() {
        assertOne(rejected("""
                  kprobes:
                  - call: "sys_openat"
                    syscall: true
                    selectors:
                    - matchActions:
                      - action: GetUrl
                        argUrl: "file:///etc/passwd"
                """, Backend.TRACEPOINT), "spec.kprobes[0].selectors[0].matchActions[0]", "argUrl must be an http:// or https:// URL");
    }

    @Test
    void kernelStructOnSyscall() {
        assertOne(rejected("""
                  kprobes:
                  - call: "sys_read"
                    syscall: true
                    args:
                    - index: 0
                      type: "file"
                """, Backend.KPROBE), "spec.kprobes[0].args[0]", "type file", "use fd");
    }

    @Test
    void syscallWithoutTracepoint() {
        assertOne(rejected("""
                  kprobes:
                  - call: "sys_nosuch"
                    syscall: true
                """, Backend.TRACEPOINT), "spec.kprobes[0].call", "no tracepoint syscalls/sys_enter_nosuch");
    }

    @Test
    void returnWithoutExitTracepoint() {
        // openat's exit exists in the fixture, "connect" too; a syscall only half there must fail whole
        TracingPolicy p = Fixtures.parse(HEAD + """
                  kprobes:
                  - call: "sys_openat"
                    syscall: true
                    return: true
                    returnArg:
                      index: 0
                      type: "int"
                """, Path.of("bad.yaml"));
        io.vigil.agent.policy.plan.HookPlanner half = new io.vigil.agent.policy.plan.HookPlanner(Backend.TRACEPOINT,
                new io.vigil.agent.policy.plan.FixedHostFacts("x86_64", Map.of("syscalls/sys_enter_openat", ""), java.util.Set.of()));
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class, () -> half.plan(p));
        assertTrue(e.getMessage().contains("no tracepoint syscalls/sys_exit_openat"), e.getMessage());
    }

    @Test
    void hostNamespaceUnknown() {
        assertOne(rejected("""
                  kprobes:
                  - call: "sys_openat"
                    syscall: true
                    selectors:
                    - matchNamespaces:
                      - namespace: Uts
                        operator: In
                        values: ["host_ns"]
                """, Backend.TRACEPOINT), "spec.kprobes[0].selectors[0].matchNamespaces[0]", "Uts namespace is not known");
    }

    @Test
    void allBinaryBitsTaken() throws Exception {
        TracingPolicy p = Fixtures.parse(HEAD + """
                  kprobes:
                  - call: "sys_openat"
                    syscall: true
                    selectors:
                    - matchBinaries:
                      - operator: In
                        values: ["/bin/sh"]
                """, Path.of("bad.yaml"));
        var plans = Fixtures.planner(Backend.TRACEPOINT).plan(p).hooks();
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class,
                () -> PolicyCompiler.compile(p, plans, new CompileContext(1, -1L, Map.of(), SyscallTable.forArch("x86_64"))));
        assertOne(e.problems(), "spec.kprobes[0].selectors[0].matchBinaries", "all 64");
        // one bit free: the highest, taken
        CompiledPolicy c = PolicyCompiler.compile(p, plans, new CompileContext(1, Long.MAX_VALUE, Map.of(), SyscallTable.forArch("x86_64")));
        assertEquals(Long.MIN_VALUE, c.binaryBits());
        assertEquals(Map.of("/bin/sh", Long.MIN_VALUE), c.binaries().exact());
    }

    @Test
    void prefixLongerThanTheKernelCompares() {
        String longPath = "/" + "a".repeat(252); // 253 bytes: one more than GenericAbi.PREFIX_KEY
        assertOne(rejected("""
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
                        values: ["%s"]
                """.formatted(longPath), Backend.TRACEPOINT), "spec.kprobes[0].selectors[0].matchArgs[0]", "253 bytes",
                "at most 252");
    }

    @Test
    void dataLocFieldAndLsmHook() {
        List<PolicyProblem> problems = rejected("""
                  tracepoints:
                  - subsystem: "sched"
                    event: "sched_process_exec"
                    args:
                    - index: 4
                      type: "string"
                  lsmhooks:
                  - hook: "path_truncate"
                    args:
                    - index: 0
                      type: "path"
                """, Backend.FENTRY);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).toString().contains("__data_loc"), problems.toString());
        assertTrue(problems.get(1).toString().contains("spec.lsmhooks[0].hook: LSM hook path_truncate: no function"
                + " security_path_truncate"), problems.toString());
    }

    @Test
    void nothingHalfCompiled() {
        // the first hook is fine, the second is not: the whole policy is refused, naming only the second
        List<PolicyProblem> problems = rejected("""
                  kprobes:
                  - call: "sys_openat"
                    syscall: true
                  - call: "sys_read"
                    syscall: true
                    args:
                    - index: 1
                      type: "char_buf"
                """, Backend.TRACEPOINT);
        assertOne(problems, "spec.kprobes[1].args[0]", "char_buf needs sizeArgIndex");
    }

    @Test
    void monitorModeSetsTheFlagOnly() throws Exception {
        TracingPolicy p = Fixtures.parse(HEAD + """
                  options:
                  - name: "policy-mode"
                    value: "monitor"
                  kprobes:
                  - call: "sys_openat"
                    syscall: true
                """, Path.of("m.yaml"));
        byte[] cfg = Fixtures.compile(p, Backend.TRACEPOINT).hooks().get(0).image().config();
        assertEquals(io.vigil.bpf.wire.GenericAbi.HookFlag.MONITOR | io.vigil.bpf.wire.GenericAbi.HookFlag.SYSCALL_TP, cfg[4]);
        assertEquals(0, cfg[9], "no selectors: post every call");
    }

    @Test
    void mappedFunctionWithReturnIsRefused() {
        assertOne(rejected("""
                  kprobes:
                  - call: "security_file_permission"
                    syscall: false
                    return: true
                    args:
                    - index: 0
                      type: "file"
                    returnArg:
                      index: 0
                      type: "int"
                """, Backend.TRACEPOINT), "spec.kprobes[0].return", "security_file_permission is served by tracepoints",
                "do not see its return value");
    }

    @Test
    void mappedFunctionArgumentOfTheWrongType() {
        assertOne(rejected("""
                  lsmhooks:
                  - hook: "bprm_check_security"
                    args:
                    - index: 0
                      type: "string"
                """, Backend.TRACEPOINT), "spec.lsmhooks[0].args", "argument 0 of security_bprm_check (bprm)",
                "cannot be read as string", "use linux_binprm");
        assertOne(rejected("""
                  kprobes:
                  - call: "security_file_open"
                    syscall: false
                    args:
                    - index: 1
                      type: "int"
                """, Backend.TRACEPOINT), "spec.kprobes[0].args", "security_file_open has 1 argument(s) (file); no index 1");
    }

    @Test
    void tcpConnectNeedsItsSock() {
        assertOne(rejected("""
                  kprobes:
                  - call: "tcp_connect"
                    syscall: false
                """, Backend.TRACEPOINT), "spec.kprobes[0].args", "declare it (args: [{index: 0, type: sock}])");
    }

    @Test
    void mappedFiltersTakeSelectorSlots() {
        // tcp_connect adds two filters of its own: four matchArgs leave no room
        assertOne(rejected("""
                  kprobes:
                  - call: "tcp_connect"
                    syscall: false
                    args:
                    - index: 0
                      type: "sock"
                    selectors:
                    - matchArgs:
                      - {index: 0, operator: "DPort", values: ["80"]}
                      - {index: 0, operator: "DPort", values: ["443"]}
                      - {index: 0, operator: "DAddr", values: ["10.0.0.0/8"]}
                      - {index: 0, operator: "NotDAddr", values: ["10.1.0.0/16"]}
                """, Backend.TRACEPOINT), "spec.kprobes[0].selectors[0]", "at most 3 matchArgs + matchReturnArgs per selector",
                "2 of the kernel's 5 filters");
    }

    @Test
    void missingFunctionSkippedOnlyWhenAsked() throws Exception {
        String spec = """
                  kprobes:
                  - call: "no_such_function"
                    syscall: false
                %s
                  - call: "sys_openat"
                    syscall: true
                """;
        assertOne(rejected(spec.formatted(""), Backend.KPROBE), "spec.kprobes[0].call", "no function no_such_function",
                "ignore.callNotFound");
        TracingPolicy p = Fixtures.parse(HEAD + spec.formatted("    ignore:\n      callNotFound: true"), Path.of("bad.yaml"));
        io.vigil.agent.policy.plan.Planned planned = Fixtures.planner(Backend.KPROBE).plan(p);
        assertEquals(1, planned.hooks().size());
        assertEquals(1, planned.skipped().size());
        assertTrue(planned.skipped().get(0).toString().contains("skipped: ignore.callNotFound"), planned.skipped().toString());
    }

    @Test
    void inMapOverAListOfSyscalls() {
        assertOne(rejected("""
                  lists:
                  - name: "l"
                    type: "syscalls"
                    values: ["sys_openat", "sys_not_a_syscall"]
                  tracepoints:
                  - subsystem: "raw_syscalls"
                    event: "sys_enter"
                    args:
                    - index: 4
                      type: "syscall64"
                    selectors:
                    - matchArgs:
                      - index: 0
                        operator: "InMap"
                        values: ["list:l"]
                """, Backend.TRACEPOINT), "spec.tracepoints[0].selectors[0].matchArgs[0]",
                "list 'l': 'sys_not_a_syscall' is not a syscall of x86_64");
    }

    @Test
    void pidFiltersMergeOnlyWithTheSameOperator() {
        assertOne(rejected("""
                  kprobes:
                  - call: "sys_openat"
                    selectors:
                    - matchPIDs:
                      - {operator: NotIn, values: [1, 2, 3]}
                      - {operator: NotIn, values: [4, 5]}
                """, Backend.TRACEPOINT), "spec.kprobes[0].selectors[0].matchPIDs", "at most 4 pids", "got 5 after merging its 2");
        assertOne(rejected("""
                  kprobes:
                  - call: "sys_openat"
                    selectors:
                    - matchPIDs:
                      - {operator: NotIn, values: [1]}
                      - {operator: In, values: [4]}
                """, Backend.TRACEPOINT), "spec.kprobes[0].selectors[0].matchPIDs", "same operator, followForks and isNamespacePID");
    }
}

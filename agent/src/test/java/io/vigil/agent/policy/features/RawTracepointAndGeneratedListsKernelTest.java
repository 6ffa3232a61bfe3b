package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tetragon's rawtp.yaml, list-syscalls-generated.yaml and list-generated-ftrace.yaml, as they are
 * written, narrowed to a copy of /bin/true so that the host's other processes stay out: the listed
 * copy gets events, the same program under another name gets none.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only: the generated-syscalls program loads slowly under emulation
class RawTracepointAndGeneratedListsKernelTest extends FeatureKernelTest {

    /** /bin/true copied under the test's temp dir as name (its real path). */
    private Path copyOfTrue(String name) throws Exception {
        Path p = dir("bin").resolve(name);
        Files.copy(Path.of("/bin/true"), p, StandardCopyOption.REPLACE_EXISTING);
        p.toFile().setExecutable(true);
        return p;
    }

    private void applyTimed(String name, String spec) throws Exception {
        long t = System.nanoTime();
        apply(name, spec);
        System.out.printf("%s loaded in %d ms%n", name, (System.nanoTime() - t) / 1_000_000);
    }

    /** raw: true on sched_process_exec: TP_PROTO argument 2 is the linux_binprm, its file is the new binary. */
    @Test
    void rawTracepointExecReportsTheBinprmPath() throws Exception {
        Path bin = copyOfTrue("vigil-rawtp");
        applyTimed("rawtp", """
                tracepoints:
                - subsystem: "sched"
                  event: "sched_process_exec"
                  raw: true
                  args:
                  - index: 2
                    type: "linux_binprm"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%s/"]
                """.formatted(bin.getParent()));
        long hit = run(bin.toString());
        long miss = run("/bin/true");
        JsonNode e = events.awaitOne("rawtp", hit);
        assertEquals("process_tracepoint", events.kindOf("rawtp"));
        assertEquals("sched", e.path("subsys").asText(), e.toString());
        assertEquals("sched_process_exec", e.path("event").asText(), e.toString());
        assertEquals(bin.toString(), e.at("/args/0/linux_binprm_arg/path").asText(), e.toString());
        events.assertNone("rawtp", miss);
    }

    /** generated_syscalls: every syscall of the kernel, reported with Tetragon's function_name. */
    @Test
    void generatedSyscallsSeeEverySyscallOfTheListedBinary() throws Exception {
        Path listed = copyOfTrue("vigil-listed");
        Path other = copyOfTrue("vigil-other");
        applyTimed("all-syscalls", """
                lists:
                - name: "all-syscalls"
                  type: "generated_syscalls"
                kprobes:
                - call: "list:all-syscalls"
                  selectors:
                  - matchBinaries:
                    - operator: "In"
                      values: ["%s"]
                """.formatted(listed));
        long hit = run(listed.toString());
        long miss = run(other.toString());
        JsonNode exit = events.await("all-syscalls", hit, n -> n.path("function_name").asText().equals("__x64_sys_exit_group"));
        assertEquals("process_kprobe", events.kindOf("all-syscalls"), exit.toString());
        List<String> seen = events.of("all-syscalls", hit).stream().map(n -> n.path("function_name").asText()).toList();
        assertTrue(seen.contains("__x64_sys_mmap") && seen.contains("__x64_sys_close"), "a dynamic binary maps its libraries: "
                + seen);
        events.assertNone("all-syscalls", miss);
    }

    /** generated_ftrace: the functions of available_filter_functions the pattern finds, hooked as kprobes (served by
     *  tracepoints on the tracepoint backend, as a kprobe on that function would be). */
    @Test
    void generatedFtraceHooksTheFunctionsThePatternFinds() throws Exception {
        Path listed = copyOfTrue("vigil-ftrace-listed");
        Path other = copyOfTrue("vigil-ftrace-other");
        applyTimed("ftrace-open", """
                lists:
                - name: "opens"
                  type: "generated_ftrace"
                  pattern: "^security_file_open$"
                kprobes:
                - call: "list:opens"
                  selectors:
                  - matchBinaries:
                    - operator: "In"
                      values: ["%s"]
                """.formatted(listed));
        long hit = run(listed.toString());
        long miss = run(other.toString());
        JsonNode e = events.awaitOne("ftrace-open", hit);
        assertEquals("security_file_open", e.path("function_name").asText(), e.toString());
        events.assertNone("ftrace-open", miss);
    }
}

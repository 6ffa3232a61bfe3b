package io.vigil.agent.policy.runtime;

import static io.vigil.agent.kernel.PolicyKernelTests.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.kernel.PolicyAgent;
import io.vigil.agent.kernel.PolicyEvents;
import io.vigil.agent.kernel.PolicyKernelTests;
import io.vigil.agent.kernel.ShmTempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Post-only security_file_open policies observed through fanotify FAN_OPEN marks
 * (ObservationPlanner, FanotifyObservers): the placement is chosen without asking, an open under the
 * prefix is one process_kprobe event with the path and the opener, an open elsewhere none, and
 * NoPost and matchBinaries NotIn decide as in the kernel, and an opener that exited before the agent
 * read its open is still matched by its binary (the process model keeps it, CachedOpeners).
 */
@Tag("kernel")
class FileObserveKernelTest {
    @RegisterExtension
    static final PolicyAgent agent = new PolicyAgent();
    static final PolicyEvents events = agent.events();

    @TempDir(factory = ShmTempDirs.class)
    Path tmp;

    @Test
    void anOpenUnderThePrefixIsOneEventWithPathAndOpenerAndElsewhereNone() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("watched/sub")).getParent().toRealPath();
        Path f = Files.writeString(dir.resolve("sub/f"), "x\n");
        Path other = Files.writeString(Files.createDirectories(tmp.resolve("other")).resolve("g"), "x\n");
        Path bash = copy("/bin/bash", "obsbash");
        apply("observe-dir", """
                - call: "security_file_open"
                  syscall: false
                  args:
                  - index: 0
                    type: "file"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%s/"]
                """.formatted(dir));
        PolicyManager.Status st = agent.policies().orElseThrow().list().get(0);
        assertEquals(List.of("fanotify FAN_OPEN"), st.attachments(), "placed on fanotify, no BPF program: " + st);

        long hit = open(bash, f);
        List<JsonNode> got = events.awaitCount("observe-dir", hit, 1);
        assertEquals(1, got.size(), "exactly one event for one open: " + got);
        JsonNode e = got.get(0);
        assertEquals("security_file_open", e.path("function_name").asText(), e.toString());
        assertEquals("KPROBE_ACTION_POST", e.path("action").asText(), e.toString());
        assertEquals(f.toString(), e.at("/args/0/file_arg/path").asText(), e.toString());
        assertEquals(bash.toString(), e.at("/process/binary").asText(), e.toString());
        assertEquals(hit, e.at("/process/pid").asLong(), e.toString());
        assertTrue(e.at("/process/exec_id").asText().length() > 0, e.toString());

        long miss = open(bash, other);
        events.assertNone("observe-dir", miss);
    }

    @Test
    void noPostAndMatchBinariesNotInDecideAsInTheKernel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("w")).toRealPath();
        Path f = Files.writeString(dir.resolve("f"), "x\n");
        Path quiet = copy("/bin/bash", "quietbash");
        Path ignored = copy("/bin/bash", "ignoredbash");
        Path reported = copy("/bin/bash", "reportedbash");
        apply("observe-binaries", """
                - call: "security_file_open"
                  syscall: false
                  args:
                  - index: 0
                    type: "file"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%1$s/"]
                    matchBinaries:
                    - operator: "In"
                      values: ["%2$s"]
                    matchActions:
                    - action: NoPost
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%1$s/"]
                    matchBinaries:
                    - operator: "NotIn"
                      values: ["%3$s"]
                """.formatted(dir, quiet, ignored));
        assertEquals(List.of("fanotify FAN_OPEN"), agent.policies().orElseThrow().list().get(0).attachments());

        long yes = open(reported, f);   // not in NotIn's list, not NoPost's: posted
        JsonNode e = events.awaitOne("observe-binaries", yes);
        assertEquals(reported.toString(), e.at("/process/binary").asText(), e.toString());
        assertEquals(f.toString(), e.at("/args/0/file_arg/path").asText());
        long noPost = open(quiet, f);    // the first selector matches and says NoPost
        long notIn = open(ignored, f);   // the second selector's NotIn excludes it
        Thread.sleep(QUIET.toMillis());
        events.assertNone("observe-binaries", noPost);
        events.assertNone("observe-binaries", notIn);
        assertEquals(1, events.of("observe-binaries", yes).size());
    }

    /**
     * The opener exits at once (a copy of cat), before the agent reads the notification: matchBinaries
     * and the event's process come from the process model, which learnt the exec and keeps the exited
     * process; another binary opening the same file is not reported.
     */
    @Test
    void anOpenerThatExitedAtOnceIsMatchedByItsBinary() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("short")).toRealPath();
        Path f = Files.writeString(dir.resolve("f"), "x\n");
        Path cat = copy("/bin/cat", "shortcat");
        Path otherCat = copy("/bin/cat", "othercat");
        apply("observe-exited", """
                - call: "security_file_open"
                  syscall: false
                  args:
                  - index: 0
                    type: "file"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%s/"]
                    matchBinaries:
                    - operator: "In"
                      values: ["%s"]
                """.formatted(dir, cat));
        assertEquals(List.of("fanotify FAN_OPEN"), agent.policies().orElseThrow().list().get(0).attachments());

        long hit = PolicyKernelTests.run(cat.toString(), f.toString());
        JsonNode e = events.awaitOne("observe-exited", hit);
        assertEquals(cat.toString(), e.at("/process/binary").asText(), e.toString());
        assertEquals(f.toString(), e.at("/args/0/file_arg/path").asText(), e.toString());
        assertTrue(e.at("/process/exec_id").asText().length() > 0, e.toString());
        assertFalse(e.at("/process/flags").asText().contains("unknown"), "the cached process, not a bare key: " + e);

        long miss = PolicyKernelTests.run(otherCat.toString(), f.toString());
        events.assertNone("observe-exited", miss);
        assertEquals(1, events.of("observe-exited", hit).size());
    }

    /**
     * The copy of bash opens the file once (a builtin read), then waits for a child so that /proc still
     * has it (`; true`: else bash would exec sleep in its own process, which the event would then name).
     */
    private static long open(Path bash, Path file) throws Exception {
        return PolicyKernelTests.exec(List.of(bash.toString(), "-c", "read -r x < \"$1\"; /bin/sleep 0.3; true", "b", file.toString()));
    }

    private Path copy(String from, String name) throws Exception {
        return PolicyKernelTests.copy(tmp, from, name);
    }

    private void apply(String name, String hooks) throws Exception {
        agent.apply(tmp, name, "enforce", "kprobes", hooks);
    }
}

package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.ProcessKprobe;
import io.vigil.bpf.Backend;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One program per syscall enter tracepoint (bpf_generic_dispatch.c): several sys_openat policies
 * (Prefix nested in another Prefix, Equal, and one "always" member with Postfix) run behind one
 * attached dispatcher; each policy gets exactly the opens it matches and nothing for opens outside
 * them all, also after a policy is deleted and another takes its slot at runtime; Sigkill still
 * runs from a member.
 */
@Tag("kernel")
class DispatchKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(Boolean.getBoolean("vigil.test.vm") ? 120 : 15);

    @TempDir
    Path tmp;
    private Agent agent;
    private CapturingSink sink;
    private Path outer;
    private Path inner;
    private Path other;
    private Path elsewhere;

    @BeforeEach
    void start() throws Exception {
        KernelTestSupport.requireRoot();
        Assumptions.assumeTrue(KernelTestSupport.backend().orElse(Backend.TRACEPOINT) == Backend.TRACEPOINT,
                "dispatchers serve the tracepoint backend only");
        sink = new CapturingSink();
        agent = Agent.start(AgentConfig.defaults().withBackend(KernelTestSupport.backend()).withNodeName("vigil-test"),
                List.of(sink), KernelPolicyInstaller.FACTORY);
        Path base = tmp.toRealPath();
        outer = Files.createDirectories(base.resolve("outer"));
        inner = Files.createDirectories(outer.resolve("inner"));
        other = Files.createDirectories(base.resolve("other"));
        elsewhere = Files.createDirectories(base.resolve("elsewhere"));
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private void apply(String name, String operator, String value, String action) throws Exception {
        Path p = Files.writeString(tmp.resolve(name + ".yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "%s"
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
                        operator: "%s"
                        values: ["%s"]
                %s""".formatted(name, operator, value, action.isEmpty() ? "" : "      matchActions:\n      - action: " + action + "\n"));
        assertEquals(List.of(), agent.policies().orElseThrow().applyFile(p, PolicyManager.Origin.DIRECTORY));
    }

    /** python3 opens each path (creating it), then the sentinel; returns "policy path" of its events, sentinel excluded. */
    private Set<String> opens(Path sentinel, Path... paths) throws Exception {
        StringBuilder py = new StringBuilder("import os\n");
        for (Path p : paths) {
            py.append("os.close(os.open(\"").append(p).append("\", os.O_RDONLY | os.O_CREAT, 0o600))\n");
        }
        py.append("os.close(os.open(\"").append(sentinel).append("\", os.O_RDONLY | os.O_CREAT, 0o600))\n");
        Process proc = new ProcessBuilder("python3", "-c", py.toString()).redirectErrorStream(true).start();
        assertEquals(0, proc.waitFor(), new String(proc.getInputStream().readAllBytes()));
        // the sentinel is the process's last open: once its event is in, every earlier one is too
        sink.await(e -> ofProcess(e, proc.pid()) && path(e).equals(sentinel.toString()), 1, WAIT);
        Set<String> out = new TreeSet<>();
        for (Event e : sink.matching(e -> ofProcess(e, proc.pid()))) {
            if (!path(e).equals(sentinel.toString())) {
                out.add(((ProcessKprobe) e.body()).policyName() + " " + path(e));
            }
        }
        return out;
    }

    private static boolean ofProcess(Event e, long pid) {
        return e.body() instanceof ProcessKprobe k && k.process().pid() == pid && k.functionName().contains("openat");
    }

    private static String path(Event e) {
        return ((ProcessKprobe) e.body()).args().get(0).value() instanceof ArgValue.StringArg s ? s.value() : "";
    }

    @Test
    void eachPolicyGetsExactlyItsOpensAlsoAfterSlotReuse() throws Exception {
        int links = bpfLinks();
        apply("d-outer", "Prefix", outer + "/", "");
        apply("d-inner", "Prefix", inner + "/", "");
        apply("d-equal", "Equal", other + "/exact", "");
        apply("d-always", "Postfix", ".sentinel", "");   // Postfix: no gate, runs on every open
        assertEquals(links + 1, bpfLinks(), "four sys_openat hooks, one attached dispatcher");
        List<String> at = new ArrayList<>();
        agent.policies().orElseThrow().list().forEach(s -> at.addAll(s.attachments()));
        assertTrue(at.stream().allMatch(a -> a.equals("tracepoint syscalls/sys_enter_openat (via dispatch)")), at.toString());

        Path sentinel = elsewhere.resolve("s.sentinel");
        Set<String> got = opens(sentinel, outer.resolve("a"), inner.resolve("b"), other.resolve("exact"),
                other.resolve("exact2"), other.resolve("exac"), elsewhere.resolve("c"), Path.of(outer + "x"));
        assertEquals(new TreeSet<>(Set.of(
                "d-outer " + outer.resolve("a"),
                "d-outer " + inner.resolve("b"),          // nested: both prefixes match
                "d-inner " + inner.resolve("b"),
                "d-equal " + other.resolve("exact"))), got);

        // delete the outer policy: its slot is reused by a new one on "other/"
        assertTrue(agent.policies().orElseThrow().delete("d-outer"));
        apply("d-other", "Prefix", other + "/", "");
        assertEquals(links + 1, bpfLinks(), "still one dispatcher");
        Set<String> after = opens(elsewhere.resolve("t.sentinel"), outer.resolve("a2"), inner.resolve("b2"),
                other.resolve("exact"), elsewhere.resolve("d"));
        assertEquals(new TreeSet<>(Set.of(
                "d-inner " + inner.resolve("b2"),
                "d-equal " + other.resolve("exact"),
                "d-other " + other.resolve("exact"))), after);
        long always = sink.matching(e -> e.body() instanceof ProcessKprobe k && k.policyName().equals("d-always")).size();
        assertTrue(always >= 2, "the always member saw both sentinels: " + always);

        for (String n : List.of("d-inner", "d-equal", "d-always", "d-other")) {
            assertTrue(agent.policies().orElseThrow().delete(n));
        }
        assertEquals(links, bpfLinks(), "the last member leaving detaches the dispatcher");
    }

    @Test
    void sigkillRunsFromAMember() throws Exception {
        apply("d-watch", "Prefix", outer + "/", "");
        apply("d-kill", "Prefix", inner + "/", "Sigkill");
        Path marker = tmp.resolve("after");
        String py = "import os\nos.open(\"%s\", os.O_RDONLY | os.O_CREAT, 0o600)\nopen(\"%s\", \"w\").close()\n";
        Process killed = new ProcessBuilder("python3", "-c", py.formatted(inner.resolve("k"), marker)).redirectErrorStream(true).start();
        assertEquals(128 + 9, killed.waitFor(), new String(killed.getInputStream().readAllBytes()));
        assertFalse(Files.exists(marker), "the process ran on after the open");
        List<Event> ev = sink.await(e -> ofProcess(e, killed.pid()) && ((ProcessKprobe) e.body()).policyName().equals("d-kill"), 1, WAIT);
        assertEquals(KprobeAction.SIGKILL, ((ProcessKprobe) ev.get(0).body()).action());

        Process spared = new ProcessBuilder("python3", "-c", py.formatted(outer.resolve("k"), marker)).redirectErrorStream(true).start();
        assertEquals(0, spared.waitFor(), new String(spared.getInputStream().readAllBytes()));
        assertTrue(Files.exists(marker), "an open outside the Sigkill policy's directory was stopped");
    }

    /** BPF links this process holds open. */
    private static int bpfLinks() throws IOException {
        int n = 0;
        File[] fds = new File("/proc/self/fd").listFiles();
        for (File f : fds == null ? new File[0] : fds) {
            try {
                if (Files.readSymbolicLink(f.toPath()).toString().equals("anon_inode:bpf_link")) {
                    n++;
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        }
        return n;
    }
}

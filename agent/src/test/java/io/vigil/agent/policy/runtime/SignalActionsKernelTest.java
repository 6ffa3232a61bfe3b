package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessKprobe;
import io.vigil.policy.PolicyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.vigil.bpf.ProgramStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sigkill and Signal carried out by the kernel program at the hook, in the offending syscall: a
 * process that writes to a protected directory dies before its next instruction (the marker file
 * it would write next never appears) and its exit says SIGKILL; the same program writing
 * elsewhere is untouched; Signal delivers argSig; in monitor mode nothing is done and the event
 * says what would have been, until set-mode enforce, which switches the running programs (no reload) and back.
 */
@Tag("kernel")
class SignalActionsKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(Boolean.getBoolean("vigil.test.vm") ? 120 : 10);

    @TempDir
    Path tmp;
    private Agent agent;
    private CapturingSink sink;

    @BeforeEach
    void start() throws Exception {
        KernelTestSupport.requireRoot();
        sink = new CapturingSink();
        agent = Agent.start(AgentConfig.defaults().withBackend(KernelTestSupport.backend()).withNodeName("vigil-test"),
                List.of(sink), KernelPolicyInstaller.FACTORY);
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private Path policy(String name, Path dir, String action, String mode) throws Exception {
        return Files.writeString(tmp.resolve(name + ".yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "%s"
                spec:
                  options:
                  - name: "policy-mode"
                    value: "%s"
                  kprobes:
                  - call: "sys_write"
                    syscall: true
                    args:
                    - index: 0
                      type: "fd"
                    selectors:
                    - matchArgs:
                      - index: 0
                        operator: "Prefix"
                        values: ["%s/"]
                      matchActions:
                      - action: %s
                """.formatted(name, mode, dir, action));
    }

    /** python3 writes to target, then (if still alive) creates marker; returns the process. */
    private static Process writer(Path target, Path marker) throws Exception {
        String py = """
                import os, signal, sys
                signal.signal(signal.SIGUSR1, lambda s, f: open("%2$s.usr1", "w").close())
                fd = os.open("%1$s", os.O_WRONLY | os.O_CREAT, 0o600)
                os.write(fd, b"payload")
                open("%2$s", "w").close()
                """.formatted(target, marker);
        return new ProcessBuilder("python3", "-c", py).redirectErrorStream(true).start();
    }

    @Test
    void sigkillStopsTheWriterBeforeItsNextInstructionAndSparesOthers() throws Exception {
        Path protectedDir = Files.createDirectories(tmp.resolve("protected")).toRealPath();
        Path open = Files.createDirectories(tmp.resolve("open")).toRealPath();
        assertEquals(List.of(), agent.policies().orElseThrow().applyFile(policy("kill-writes", protectedDir, "Sigkill", "enforce"),
                PolicyManager.Origin.DIRECTORY));

        Process killed = writer(protectedDir.resolve("f"), tmp.resolve("after-kill"));
        assertEquals(128 + 9, killed.waitFor(), "killed by SIGKILL: " + new String(killed.getInputStream().readAllBytes()));
        assertFalse(Files.exists(tmp.resolve("after-kill")), "the process ran on after the write");
        // killed at the write's entry: the kernel's write loop sees the fatal signal before copying
        assertEquals(0, Files.size(protectedDir.resolve("f")), "bytes reached the protected file");
        List<Event> ev = sink.await(e -> e.body() instanceof ProcessKprobe k && k.process().pid() == killed.pid(), 1, WAIT);
        assertEquals(1, ev.size(), "one event for one refused write");
        assertEquals(KprobeAction.SIGKILL, ((ProcessKprobe) ev.get(0).body()).action());
        List<Event> exit = sink.await(e -> e.body() instanceof ProcessExit x && x.process().pid() == killed.pid(), 1, WAIT);
        assertEquals("SIGKILL", ((ProcessExit) exit.get(0).body()).signal());

        Process spared = writer(open.resolve("f"), tmp.resolve("after-spared"));
        assertEquals(0, spared.waitFor(), new String(spared.getInputStream().readAllBytes()));
        assertTrue(Files.exists(tmp.resolve("after-spared")), "a write outside the protected directory was stopped");
    }

    @Test
    void signalDeliversArgSig() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("signalled")).toRealPath();
        Path p = Files.writeString(tmp.resolve("sig.yaml"), Files.readString(policy("usr1-writes", dir, "Signal", "enforce"))
                .replace("- action: Signal", "- action: Signal\n        argSig: 10"));
        assertEquals(List.of(), agent.policies().orElseThrow().applyFile(p, PolicyManager.Origin.DIRECTORY));
        Process w = writer(dir.resolve("f"), tmp.resolve("after-signal"));
        assertEquals(0, w.waitFor(), new String(w.getInputStream().readAllBytes()));
        assertTrue(Files.exists(tmp.resolve("after-signal.usr1")), "SIGUSR1 was not delivered");
        assertTrue(Files.exists(tmp.resolve("after-signal")), "the handled signal must not stop the process");
        List<Event> ev = sink.await(e -> e.body() instanceof ProcessKprobe k && k.process().pid() == w.pid(), 1, WAIT);
        assertEquals(KprobeAction.SIGNAL, ((ProcessKprobe) ev.get(0).body()).action());
    }

    @Test
    void monitorModeOnlyReportsUntilSetModeEnforce() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("watched")).toRealPath();
        assertEquals(List.of(), agent.policies().orElseThrow().applyFile(policy("kill-later", dir, "Sigkill", "monitor"),
                PolicyManager.Origin.DIRECTORY));
        Process w = writer(dir.resolve("f"), tmp.resolve("after-monitor"));
        assertEquals(0, w.waitFor(), "monitor mode killed: " + new String(w.getInputStream().readAllBytes()));
        assertTrue(Files.exists(tmp.resolve("after-monitor")));
        List<Event> ev = sink.await(e -> e.body() instanceof ProcessKprobe k && k.process().pid() == w.pid(), 1, WAIT);
        assertEquals(1, ev.size(), "exactly one would-have event");
        assertEquals(KprobeAction.POST, ((ProcessKprobe) ev.get(0).body()).action(), "nothing was done");

        Set<Integer> programs = programIds();
        agent.policies().orElseThrow().setMode("kill-later", PolicyMode.ENFORCE);
        Process k = writer(dir.resolve("g"), tmp.resolve("after-enforce"));
        assertEquals(128 + 9, k.waitFor());
        assertFalse(Files.exists(tmp.resolve("after-enforce")));

        agent.policies().orElseThrow().setMode("kill-later", PolicyMode.MONITOR);
        Process back = writer(dir.resolve("h"), tmp.resolve("after-monitor-again"));
        assertEquals(0, back.waitFor(), "monitor again, but killed: " + new String(back.getInputStream().readAllBytes()));
        List<Event> again = sink.await(e -> e.body() instanceof ProcessKprobe p && p.process().pid() == back.pid(), 1, WAIT);
        assertEquals(KprobeAction.POST, ((ProcessKprobe) again.get(0).body()).action());
        assertEquals(programs, programIds(), "set-mode reloaded programs: it must switch the running ones");
    }

    /** The ids of the BPF programs this JVM holds: a reload would give new ones. */
    private static Set<Integer> programIds() {
        Set<Integer> ids = new TreeSet<>();
        ProgramStats.ofThisProcess().forEach(r -> ids.add(r.id()));
        return ids;
    }
}

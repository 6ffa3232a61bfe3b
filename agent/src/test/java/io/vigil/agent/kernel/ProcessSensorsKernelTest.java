package io.vigil.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.api.Event;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.bpf.wire.StatIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The base sensors in this kernel, end to end: real processes, events out of the agent's pipeline.
 * Runs on the host (probed backend) and in the VM harness with -Dvigil.test.backend=kprobe|fentry.
 */
@Tag("kernel")
class ProcessSensorsKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(Boolean.getBoolean("vigil.test.vm") ? 120 : 15);
    private static Agent agent;
    private static CapturingSink sink;

    @BeforeAll
    static void start() throws Exception {
        KernelTestSupport.requireRoot();
        sink = new CapturingSink();
        agent = Agent.start(AgentConfig.defaults().withBackend(KernelTestSupport.backend()).withNodeName("vigil-test"),
                List.of(sink));
        KernelTestSupport.backend().ifPresent(b -> {
            assertEquals(b, agent.backend(), "the forced backend must be the one running");
            // and every sensor runs its own variant for it: no silent fallback to tracepoints
            agent.status().get("sensors").forEach(sensor ->
                    assertTrue(sensor.get("fallback").isNull(), "sensor fell back: " + sensor));
        });
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private static Predicate<Event> exec(long pid) {
        return e -> e.body() instanceof ProcessExec x && x.process().pid() == pid;
    }

    private static Predicate<Event> exit(long pid) {
        return e -> e.body() instanceof ProcessExit x && x.process().pid() == pid;
    }

    private static String real(String path) throws Exception {
        return Path.of(path).toRealPath().toString();
    }

    @Test
    void echoHelloGivesExecWithBinaryArgumentsAndParent() throws Exception {
        Process p = new ProcessBuilder("/bin/echo", "hello").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor());
        Predicate<Event> echo = exec(p.pid()).and(e -> ((ProcessExec) e.body()).process().binary().endsWith("/echo"));
        List<Event> execs = sink.await(echo, 1, WAIT);
        assertEquals(1, execs.size(), "one exec event of /bin/echo for pid " + p.pid() + ", got " + sink.matching(exec(p.pid())));
        ProcessExec x = (ProcessExec) execs.get(0).body();
        ProcessInfo proc = x.process();
        assertEquals(real("/bin/echo"), proc.binary());
        assertEquals("hello", proc.arguments());
        assertTrue(proc.flags().contains("execve"), proc.flags());
        assertNotNull(x.parent(), "parent of " + proc);
        // The JVM starts children through jspawnhelper (posix_spawn): fork, exec jspawnhelper, exec
        // echo. As in Tetragon, an exec without a fork has the previous image as its parent, so
        // the chain is echo -> jspawnhelper (same pid) -> this JVM.
        ProcessInfo parent = x.parent();
        if (parent.binary().endsWith("/jspawnhelper")) {
            assertEquals(proc.pid(), parent.pid(), "jspawnhelper is the same process before its last exec");
            String helperId = parent.execId();
            List<Event> helper = sink.await(e -> e.body() instanceof ProcessExec h
                    && h.process().execId().equals(helperId), 1, WAIT);
            assertEquals(1, helper.size(), "jspawnhelper's own exec event");
            parent = ((ProcessExec) helper.get(0).body()).parent();
        }
        assertEquals(ProcessHandle.current().pid(), parent.pid(), "this JVM forked it: " + x);
        assertTrue(parent.binary().endsWith("/java"), "JVM binary: " + parent.binary());
        assertEquals(x.parent().execId(), proc.parentExecId());
        assertEquals(System.getProperty("user.dir"), proc.cwd());
        assertEquals("vigil-test", execs.get(0).nodeName());

        List<Event> exits = sink.await(exit(p.pid()), 1, WAIT);
        assertEquals(1, exits.size());
        ProcessExit ex = (ProcessExit) exits.get(0).body();
        assertEquals(proc.execId(), ex.process().execId(), "the exit names the same incarnation");
        assertEquals(0, ex.status());
    }

    @Test
    void exitCodeThreeGivesStatusThree() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "exit 3").start();
        assertEquals(3, p.waitFor());
        List<Event> exits = sink.await(exit(p.pid()), 1, WAIT);
        assertEquals(1, exits.size(), "one exit event for pid " + p.pid());
        ProcessExit ex = (ProcessExit) exits.get(0).body();
        assertEquals(3, ex.status());
        assertTrue(ex.signal() == null || ex.signal().isEmpty(), "no signal: " + ex.signal());
    }

    @Test
    void killNineGivesSigkill() throws Exception {
        Process p = new ProcessBuilder("/bin/sleep", "60").start();
        assertEquals(1, sink.await(exec(p.pid()).and(e -> ((ProcessExec) e.body()).process().binary().endsWith("/sleep")),
                1, WAIT).size(), "sleep's exec seen");
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        List<Event> exits = sink.await(exit(p.pid()), 1, WAIT);
        assertEquals(1, exits.size());
        assertEquals("SIGKILL", ((ProcessExit) exits.get(0).body()).signal());
    }

    @Test
    void twoThousandShortLivedProcessesAreAllObservedWithoutLoss() throws Exception {
        int n = Boolean.getBoolean("vigil.test.vm") ? 200 : 2000;
        long lostBefore = lost();
        Process sh = new ProcessBuilder("/bin/sh", "-c", "i=0; while [ $i -lt " + n + " ]; do /bin/true; i=$((i+1)); done")
                .start();
        assertEquals(0, sh.waitFor());
        long shPid = sh.pid();
        String trueBin = real("/bin/true");
        Predicate<Event> childExec = e -> e.body() instanceof ProcessExec x && x.parent() != null
                && x.parent().pid() == shPid && x.process().binary().equals(trueBin);
        List<Event> execs = sink.await(childExec, n, WAIT.multipliedBy(2));
        assertEquals(n, execs.size(), "exec events of /bin/true children of sh " + shPid);
        java.util.Set<Long> pids = new java.util.HashSet<>();
        execs.forEach(e -> pids.add(((ProcessExec) e.body()).process().pid()));
        Predicate<Event> childExit = e -> e.body() instanceof ProcessExit x && pids.contains(x.process().pid())
                && x.process().binary().equals(trueBin);
        assertEquals(n, sink.await(childExit, n, WAIT).size(), "exit events of the children");
        assertEquals(lostBefore, lost(), "events lost in kernel or pipeline during the run");
        assertEquals(0, agent.kernelCounter(StatIndex.RINGBUF_FULL));
    }

    private static long lost() {
        return agent.kernelCounter(StatIndex.RINGBUF_FULL) + agent.pipelineStats().lost();
    }
}

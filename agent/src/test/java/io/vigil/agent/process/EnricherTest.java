package io.vigil.agent.process;

import static io.vigil.agent.process.Fixtures.NODE;
import static io.vigil.agent.process.Fixtures.fork;
import static io.vigil.agent.process.Fixtures.exec;
import static io.vigil.agent.process.Fixtures.exitCode;
import static io.vigil.agent.process.Fixtures.key;
import static io.vigil.agent.process.Fixtures.killed;
import static io.vigil.agent.process.Fixtures.seed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.Event;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.bpf.wire.BenchMsg;
import io.vigil.bpf.wire.ExecveKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnricherTest {
    private static final long MS = 1_000_000L;
    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();
    private final ProcessCache cache = new ProcessCache(10_000, 10_000 * MS, clock::get);
    private final Enricher enricher = new Enricher(NODE, Fixtures.WALL, cache, new Enricher.Limits(4, 3, 1_000 * MS));
    private final EventJsonWriter json = new EventJsonWriter();

    // the docs' example: bash (seeded) -> sh (clone, exec) -> vi (clone, exec)
    private static final ExecveKey BASH = key(64000, 16_000_000_000_000L);
    private static final ExecveKey SH_FORK = key(64615, 16_801_704_000_000L);
    private static final ExecveKey SH = key(64615, 16_801_704_794_298L);
    private static final ExecveKey VI_FORK = key(64746, 16_817_705_000_000L);
    private static final ExecveKey VI = key(64746, 16_817_705_012_542L);

    private static final String VI_JSON = "{\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MTc3MDUwMTI1NDI6NjQ3NDY=\","
            + "\"pid\":64746,\"uid\":0,\"cwd\":\"/\",\"binary\":\"/bin/vi\",\"arguments\":\"/etc/passwd\","
            + "\"flags\":\"execve rootcwd clone\",\"start_time\":\"2024-04-14T02:18:02.240856427Z\",\"auid\":4294967295,"
            + "\"parent_exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\",\"tid\":64746}";
    private static final String SH_JSON = "{\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\","
            + "\"pid\":64615,\"uid\":0,\"cwd\":\"/\",\"binary\":\"/bin/sh\",\"flags\":\"execve rootcwd clone\","
            + "\"start_time\":\"2024-04-14T02:17:46.240638183Z\",\"auid\":4294967295,"
            + "\"parent_exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTYwMDAwMDAwMDAwMDA6NjQwMDA=\",\"tid\":64615}";

    private final List<Event> out = new ArrayList<>();

    private void feed(io.vigil.bpf.wire.Msg m) {
        enricher.onMsg(m, out::add);
    }

    private void tick() {
        enricher.tick(clock.get(), out::add);
    }

    private void startShAndVi() {
        enricher.seedAll(List.of(seed(BASH.pid(), BASH.ktime(), key(1, 10 * MS), "/bin/bash", List.of("-bash"), "/root")),
                e -> { });
        feed(fork(SH_FORK, BASH));
        feed(exec(SH, BASH, 0, Fixtures.NO_ID, "/bin/sh", List.of("sh"), "/"));
        feed(fork(VI_FORK, SH));
        feed(exec(VI, SH, 0, Fixtures.NO_ID, "/bin/vi", List.of("vi", "/etc/passwd"), "/"));
    }

    @Test
    void execGoldenLine() {
        startShAndVi();
        assertEquals(2, out.size(), "clones export nothing; two execs");
        assertEquals("{\"process_exec\":{\"process\":" + VI_JSON + ",\"parent\":" + SH_JSON + "},"
                        + "\"node_name\":\"tetragon-dev-control-plane\",\"time\":\"2024-04-14T02:18:02.240856427Z\"}",
                json.toJson(out.get(1)));
    }

    @Test
    void exitGoldenLines() {
        startShAndVi();
        out.clear();
        feed(killed(16_829_840_460_319L, VI, 9));
        feed(exitCode(16_829_840_460_320L, SH, 1));
        assertEquals("{\"process_exit\":{\"process\":" + VI_JSON + ",\"parent\":" + SH_JSON + ","
                        + "\"signal\":\"SIGKILL\",\"time\":\"2024-04-14T02:18:14.376304204Z\"},"
                        + "\"node_name\":\"tetragon-dev-control-plane\",\"time\":\"2024-04-14T02:18:14.376304204Z\"}",
                json.toJson(out.get(0)));
        String sh = json.toJson(out.get(1));
        assertTrue(sh.startsWith("{\"process_exit\":{\"process\":" + SH_JSON + ",\"parent\":{\"exec_id\":\""), sh);
        assertTrue(sh.endsWith(",\"status\":1,\"time\":\"2024-04-14T02:18:14.376304205Z\"},"
                + "\"node_name\":\"tetragon-dev-control-plane\",\"time\":\"2024-04-14T02:18:14.376304205Z\"}"), sh);
    }

    @Test
    void execWithoutForkHasThePreviousImageAsParentAsInTetragon() {
        startShAndVi();
        out.clear();
        ExecveKey viAgain = key(VI.pid(), VI.ktime() + 5 * MS);
        feed(exec(viAgain, SH, "/usr/bin/less", List.of("less", "/etc/passwd"), "/tmp")); // vi exec'd less
        ProcessExec e = (ProcessExec) out.get(0).body();
        assertEquals("/bin/vi", e.parent().binary());
        assertEquals(e.parent().execId(), e.process().parentExecId());
        assertEquals("execve", e.process().flags(), "no clone: exec'd without a fork");
        assertEquals(1, cache.get(VI).refcnt(), "vi: no longer alive, held by its successor");
        feed(exitCode(viAgain.ktime() + MS, viAgain, 0));
        ProcessExit x = (ProcessExit) out.get(1).body();
        assertEquals("/usr/bin/less", x.process().binary());
        assertEquals("/bin/vi", x.parent().binary());
        assertEquals(0, cache.get(VI).refcnt());
    }

    @Test
    void aCloneThatExitsWithoutExecShowsItsParentsImage() {
        startShAndVi();
        out.clear();
        ExecveKey sub = key(64800, VI.ktime() + MS);
        feed(fork(sub, SH)); // sh forks a subshell that never execs
        assertTrue(out.isEmpty());
        feed(exitCode(sub.ktime() + MS, sub, 0));
        ProcessExit x = (ProcessExit) out.get(0).body();
        assertEquals("/bin/sh", x.process().binary());
        assertEquals("clone", x.process().flags());
        assertEquals(1, x.process().refcnt(), "Tetragon's cached clone carries refcnt 1");
        assertEquals(64800, x.process().pid());
        assertEquals(new ExecIds(NODE).of(sub), x.process().execId());
        assertEquals("/bin/sh", x.parent().binary());
        assertEquals("", x.signal());
        assertEquals(0, x.status());
    }

    @Test
    void referencesBalanceOverALifecycle() {
        startShAndVi();
        ProcessCache.Entry sh = cache.get(SH);
        assertEquals(2, sh.refcnt(), "alive + vi");
        assertEquals(2, cache.get(BASH).refcnt(), "alive + sh; the sh clone's reference went with it");
        feed(killed(VI.ktime() + MS, VI, 15));
        assertEquals(1, sh.refcnt());
        feed(exitCode(VI.ktime() + 2 * MS, SH, 0));
        assertEquals(0, sh.refcnt());
        assertEquals(1, cache.get(BASH).refcnt());
        clock.advance(10_001 * MS);
        tick();
        assertNull(cache.get(SH));
        assertNull(cache.get(VI));
        assertNull(cache.get(SH_FORK));
        assertNotNull(cache.get(BASH));
        assertEquals(1, cache.size());
        assertEquals(0, enricher.stats().refcntUnderflows());
    }

    @Test
    void anExitBeforeItsExecIsParkedAndCompletedOnRetry() {
        startShAndVi();
        out.clear();
        ExecveKey cat = key(65000, VI.ktime() + MS);
        feed(exitCode(cat.ktime() + MS, cat, 0)); // the exit overtook the exec
        assertTrue(out.isEmpty());
        assertEquals(1, enricher.stats().parked());
        feed(exec(cat, SH, "/bin/cat", List.of("cat"), "/"));
        tick();
        assertEquals(2, out.size());
        assertEquals(ProcessExec.JSON_KEY, out.get(0).body().jsonKey());
        ProcessExit x = (ProcessExit) out.get(1).body();
        assertEquals("/bin/cat", x.process().binary());
        assertEquals("/bin/sh", x.parent().binary());
        CacheStats s = enricher.stats();
        assertEquals(0, s.parked());
        assertEquals(1, s.parkedResolved());
        assertEquals(0, s.parkedGaveUp());
        assertEquals(0, cache.get(cat).refcnt(), "retired on the retry");
    }

    @Test
    void anExitWhoseProcessNeverComesIsEmittedWithWhatTheKeyGives() {
        ExecveKey ghost = key(4242, 5_000 * MS);
        feed(killed(6_000 * MS, ghost, 9));
        for (int i = 0; i < 3; i++) {
            assertTrue(out.isEmpty());
            tick(); // maxRetries = 3
        }
        assertEquals(1, out.size());
        assertEquals("{\"process_exit\":{\"process\":{\"exec_id\":\"" + new ExecIds(NODE).of(ghost) + "\","
                        + "\"pid\":4242,\"flags\":\"unknown\",\"start_time\":\"" + Fixtures.WALL.toInstant(ghost.ktime())
                        + "\"},\"signal\":\"SIGKILL\",\"time\":\"" + Fixtures.WALL.toInstant(6_000 * MS) + "\"},"
                        + "\"node_name\":\"tetragon-dev-control-plane\",\"time\":\"" + Fixtures.WALL.toInstant(6_000 * MS) + "\"}",
                json.toJson(out.get(0)));
        assertEquals(1, enricher.stats().parkedGaveUp());
    }

    @Test
    void anExecWhoseParentIsMissingWaitsThenGoesOutWithMiss() {
        ExecveKey orphan = key(5000, 50 * MS);
        ExecveKey unknownParent = key(4999, 40 * MS);
        feed(exec(orphan, unknownParent, "/bin/true", List.of("true"), "/home"));
        assertTrue(out.isEmpty());
        clock.advance(1_000 * MS); // maxParkNanos
        tick();
        ProcessExec e = (ProcessExec) out.get(0).body();
        assertNull(e.parent());
        assertEquals("execve miss", e.process().flags());
        assertEquals(new ExecIds(NODE).of(unknownParent), e.process().parentExecId(), "parent_exec_id still named");
        assertEquals("execve miss", cache.get(orphan).info().flags(), "the cache shows it too");
        assertEquals(1, enricher.stats().parkedGaveUp());
    }

    @Test
    void anExecWhoseParentArrivesLateTakesTheParentReference() {
        ExecveKey child = key(5000, 50 * MS);
        ExecveKey parent = key(4999, 40 * MS);
        feed(exec(child, parent, "/bin/true", List.of("true"), "/"));
        enricher.seedAll(List.of(seed(parent.pid(), parent.ktime(), key(1, 1), "/bin/bash", List.of("bash"), "/")), e -> { });
        tick();
        ProcessExec e = (ProcessExec) out.get(0).body();
        assertEquals("/bin/bash", e.parent().binary());
        assertEquals(2, cache.get(parent).refcnt());
        feed(exitCode(60 * MS, child, 0));
        assertEquals(1, cache.get(parent).refcnt());
    }

    @Test
    void aCloneWhoseParentNeverComesIsDroppedAndCounted() {
        feed(fork(key(7000, 70 * MS), key(6999, 60 * MS)));
        tick();
        tick();
        tick();
        assertTrue(out.isEmpty());
        assertEquals(1, enricher.stats().parkedDropped());
        assertNull(cache.get(key(7000, 70 * MS)));
    }

    @Test
    void aFullParkingLotGivesUpItsOldest() {
        for (int i = 0; i < 5; i++) { // capacity 4
            feed(exitCode(100 * MS + i, key(8000 + i, 10 * MS + i), 0));
        }
        assertEquals(1, out.size());
        assertEquals(8000, ((ProcessExit) out.get(0).body()).process().pid());
        CacheStats s = enricher.stats();
        assertEquals(4, s.parked());
        assertEquals(1, s.parkOverflow());
        assertEquals(1, s.parkedGaveUp());
        assertEquals(5, s.parkedTotal());
    }

    @Test
    void signalNamesAndStatus() {
        startShAndVi();
        out.clear();
        feed(killed(VI.ktime() + MS, VI, 11));
        assertEquals("SIGSEGV", ((ProcessExit) out.get(0).body()).signal());
        assertEquals(0, ((ProcessExit) out.get(0).body()).status());
        assertEquals("", Signals.name(0));
        assertEquals("", Signals.name(34), "real-time signals have no name");
        assertEquals("SIGSYS", Signals.name(31));
    }

    @Test
    void kernelThreadsAreNotTracked() {
        ExecveKey kworker = key(9000, 90 * MS);
        feed(fork(kworker, key(2, 10 * MS)));
        feed(exitCode(91 * MS, kworker, 0));
        tick();
        assertTrue(out.isEmpty());
        assertEquals(0, enricher.stats().parkedTotal());
        assertEquals(2, enricher.stats().kernelThreads());
    }

    @Test
    void exitsOfKernelThreadsFoundAtStartUpAreIgnored() {
        ExecveKey kworker = key(77, 5 * MS);
        enricher.ignoreKernelThreads(List.of(kworker));
        feed(exitCode(100 * MS, kworker, 0));
        tick();
        assertTrue(out.isEmpty());
        assertEquals(0, enricher.stats().parkedTotal());
    }

    @Test
    void statsAreReadableWhileTheWriterRuns() throws Exception {
        enricher.seedAll(List.of(seed(BASH.pid(), BASH.ktime(), key(1, 10 * MS), "/bin/bash", List.of("bash"), "/")),
                e -> { });
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(() -> {
            long lastInserted = 0;
            try {
                while (!stop.get()) {
                    CacheStats s = enricher.stats();
                    if (s.inserted() < lastInserted || s.entries() < 0 || s.parked() < 0) {
                        throw new AssertionError("inconsistent: " + s);
                    }
                    lastInserted = s.inserted();
                    s.asMap();
                    reads.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        long kt = BASH.ktime() + MS;
        for (int i = 0; i < 200_000; i++, kt += 10) {
            ExecveKey k = key(20_000 + i % 1000, kt);
            feed(exec(k, BASH, "/bin/true", List.of("true"), "/"));
            feed(exitCode(kt + 5, k, 0));
            out.clear();
            if (i % 1000 == 0) {
                clock.advance(20_000 * MS);
                tick();
            }
        }
        stop.set(true);
        reader.join();
        assertNull(failure.get());
        assertTrue(reads.get() > 0);
        assertEquals(200_001, enricher.stats().inserted());
    }

    @Test
    void seedsAreProcFsProcessExecsWithTheirParents() {
        List<Event> seeds = new ArrayList<>();
        int n = enricher.seedAll(List.of(
                // given child first: parents are linked whatever the order
                new SeedProcess(300, 30 * MS, key(200, 20 * MS), "/usr/bin/vim", List.of("vim", "a b", "", "c"),
                        "", true, 1000, 1000, 1000, 1000, 1000),
                seed(200, 20 * MS, key(1, 10 * MS), "/bin/bash", List.of("-bash"), "/home/u"),
                seed(1, 10 * MS, key(0, 0), "/sbin/init", List.of("/sbin/init", "splash"), "/")), seeds::add);
        assertEquals(3, n);
        assertEquals(3, seeds.size());
        ProcessExec init = (ProcessExec) seeds.get(0).body();
        assertEquals("procFS", init.process().flags());
        assertNull(init.parent());
        assertEquals(new ExecIds(NODE).of(0, 1), init.process().parentExecId());
        ProcessExec vim = (ProcessExec) seeds.get(2).body();
        assertEquals("procFS rootcwd errorCWD", vim.process().flags());
        assertEquals("\"a b\" \"\" c", vim.process().arguments());
        assertEquals("/bin/bash", vim.parent().binary());
        assertEquals(1000, vim.process().auid());
        assertEquals(Fixtures.WALL.toInstant(30 * MS), seeds.get(2).time());
        assertEquals(2, cache.get(key(1, 10 * MS)).refcnt());
        assertEquals(3, enricher.stats().seeded());
    }

    @Test
    void benchRecordsAreIgnored() {
        feed(new BenchMsg(1, 2, 3));
        assertTrue(out.isEmpty());
    }

    @Test
    void relativeBinariesAreMadeAbsoluteAgainstTheCwd() {
        assertEquals("/tmp/x", Enricher.absolute("./x", "/tmp"));
        assertEquals("/usr/bin/x", Enricher.absolute("/usr/bin/x", "/tmp"));
        assertEquals("x", Enricher.absolute("x", ""));
    }
}

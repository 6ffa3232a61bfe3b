package io.vigil.agent.process;

import static io.vigil.agent.process.Fixtures.NODE;
import static io.vigil.agent.process.Fixtures.exec;
import static io.vigil.agent.process.Fixtures.fork;
import static io.vigil.agent.process.Fixtures.key;
import static io.vigil.agent.process.Fixtures.seed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.events.HookRegistry;
import io.vigil.agent.policy.events.Hooks;
import io.vigil.agent.policy.events.PolicyEventFactory;
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.bpf.wire.ExecveKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** msg_generic through the enricher: process and parent from the cache, parking, unknown hooks. */
class EnricherPolicyEventsTest {
    private static final long MS = 1_000_000L;
    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();
    private final ProcessCache cache = new ProcessCache(10_000, 10_000 * MS, clock::get);
    private final HookRegistry hooks = new HookRegistry();
    private final PolicyEventFactory factory = new PolicyEventFactory(hooks);
    private final Enricher enricher = new Enricher(NODE, Fixtures.WALL, cache, new Enricher.Limits(16, 3, 1_000 * MS),
            factory);
    private final List<Event> out = new ArrayList<>();

    private static final ExecveKey BASH = key(64000, 16_000_000_000_000L);
    private static final ExecveKey CAT_FORK = key(64746, 16_817_705_000_000L);
    private static final ExecveKey CAT = key(64746, 16_817_705_012_542L);

    private void feed(io.vigil.bpf.wire.Msg m) {
        enricher.onMsg(m, out::add);
    }

    private void tick() {
        enricher.tick(clock.get(), out::add);
    }

    private void seedBash() {
        enricher.seedAll(List.of(seed(BASH.pid(), BASH.ktime(), key(1, 10 * MS), "/bin/bash", List.of("-bash"), "/root")),
                e -> { });
    }

    private void startCat() {
        feed(fork(CAT_FORK, BASH));
        feed(exec(CAT, BASH, "/usr/bin/cat", List.of("cat", "/etc/passwd"), "/root"));
        out.clear();
    }

    @Test
    void kprobeEventCarriesProcessThreadAndParent() {
        hooks.register(Hooks.openat(5));
        seedBash();
        startCat();
        feed(Hooks.openatMsg(CAT, CAT.ktime() + 1000, 5, "/etc/passwd"));
        assertEquals(1, out.size());
        Event e = out.get(0);
        ProcessKprobe k = assertInstanceOf(ProcessKprobe.class, e.body());
        assertEquals("/usr/bin/cat", k.process().binary());
        assertEquals(CAT.pid() + 1, k.process().tid(), "tid of the calling thread");
        assertEquals("/bin/bash", k.parent().binary());
        assertEquals("__x64_sys_openat", k.functionName());
        assertEquals(new KprobeArgument(new ArgValue.StringArg("/etc/passwd"), "path"), k.args().get(1));
        assertEquals(Fixtures.WALL.toInstant(CAT.ktime() + 1000), e.time());
        assertEquals(NODE, e.nodeName());
        String line = new EventJsonWriter().toJson(e);
        assertTrue(line.startsWith("{\"process_kprobe\":{\"process\":{\"exec_id\":\""), line);
        assertTrue(line.contains("\"function_name\":\"__x64_sys_openat\",\"args\":[{\"int_arg\":-100},"
                + "{\"string_arg\":\"/etc/passwd\",\"label\":\"path\"},{\"int_arg\":0}],\"return\":{\"int_arg\":0},"
                + "\"action\":\"KPROBE_ACTION_POST\",\"policy_name\":\"file-monitoring\","
                + "\"return_action\":\"KPROBE_ACTION_POST\",\"message\":\"open seen\",\"tags\":[\"fs\"]}"), line);
    }

    @Test
    void unknownHookIsCountedAndEmitsNothing() {
        hooks.register(Hooks.openat(5));
        seedBash();
        startCat();
        feed(Hooks.openatMsg(CAT, CAT.ktime() + 1000, 6, "/etc/passwd"));
        tick();
        assertTrue(out.isEmpty());
        assertEquals(1, enricher.policyStats().unknownHook());
        assertEquals(0, enricher.stats().parked(), "an unknown hook is not parked");
    }

    @Test
    void eventBeforeItsExecIsParkedThenResolved() {
        hooks.register(Hooks.openat(5));
        seedBash();
        feed(fork(CAT_FORK, BASH));
        feed(Hooks.openatMsg(CAT, CAT.ktime() + 1000, 5, "/etc/passwd")); // arrived ahead of the exec
        assertTrue(out.isEmpty());
        assertEquals(1, enricher.stats().parked());
        hooks.unregister(5); // the hook goes away while its event waits: the event keeps its hook
        feed(exec(CAT, BASH, "/usr/bin/cat", List.of("cat"), "/root"));
        out.clear();
        tick();
        assertEquals(1, out.size());
        ProcessKprobe k = assertInstanceOf(ProcessKprobe.class, out.get(0).body());
        assertEquals("/usr/bin/cat", k.process().binary());
        assertEquals("/bin/bash", k.parent().binary());
        assertEquals(0, enricher.policyStats().unknownHook());
    }

    @Test
    void processNeverSeenGoesOutUnknownAfterTheRetries() {
        hooks.register(Hooks.openat(5));
        ExecveKey ghost = key(777, 5_000_000L);
        feed(Hooks.openatMsg(ghost, 6_000_000L, 5, "/tmp/x"));
        for (int i = 0; i < 3; i++) {
            tick();
        }
        assertEquals(1, out.size());
        ProcessKprobe k = assertInstanceOf(ProcessKprobe.class, out.get(0).body());
        assertEquals(777, k.process().pid());
        assertEquals("unknown", k.process().flags());
        assertEquals(778, k.process().tid());
        assertNull(k.parent());
        assertEquals(1, enricher.stats().parkedGaveUp());
    }

    @Test
    void parentNotCachedWaitsThenGoesOutWithoutIt() {
        hooks.register(Hooks.openat(5));
        ExecveKey lostParent = key(5000, 1_000L);
        ExecveKey child = key(5001, 2_000L);
        feed(exec(child, lostParent, "/bin/true", List.of("true"), "/"));
        out.clear();
        feed(Hooks.openatMsg(child, 3_000L, 5, "/x"));
        assertTrue(out.isEmpty(), "waits for the parent");
        clock.advance(2_000 * MS);
        tick();
        ProcessKprobe k = out.stream().map(Event::body).filter(ProcessKprobe.class::isInstance)
                .map(ProcessKprobe.class::cast).findFirst().orElseThrow();
        assertEquals("/bin/true", k.process().binary());
        assertNull(k.parent());
    }
}

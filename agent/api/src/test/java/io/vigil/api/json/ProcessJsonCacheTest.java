package io.vigil.api.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.api.Event;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cached process JSON must be byte for byte what serializing the object anew gives. */
class ProcessJsonCacheTest {

    /** Strings that exercise every escaping rule and multi-byte UTF-8. */
    private static final String[] AWKWARD = {
        "", "/", "plain", "quote\"back\\slash", "ctl\b\f\n\r\t\u0001\u001b\u001f", "\u007f del",
        "é ü ß", "日本語", "emoji \uD83D\uDE00 end", "</script> & <>", "a".repeat(700),
    };

    private static ProcessInfo randomProcess(Random r, List<ProcessInfo> parents) {
        ProcessInfo.Builder b = ProcessInfo.builder()
                .execId(r.nextBoolean() ? "" : "ZXhlYy1pZDo" + r.nextInt(1_000_000))
                .pid(r.nextInt(4) == 0 ? ProcessInfo.ABSENT : r.nextInt(5) == 0 ? 0 : Integer.toUnsignedLong(r.nextInt()))
                .uid(r.nextInt(3) == 0 ? ProcessInfo.ABSENT : 4294967295L - r.nextInt(2))
                .cwd(AWKWARD[r.nextInt(AWKWARD.length)])
                .binary(AWKWARD[r.nextInt(AWKWARD.length)])
                .arguments(AWKWARD[r.nextInt(AWKWARD.length)] + " " + AWKWARD[r.nextInt(AWKWARD.length)])
                .flags(r.nextBoolean() ? "execve clone" : "")
                .startTime(r.nextInt(4) == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1 << 30),
                        switch (r.nextInt(4)) {
                            case 0 -> 0;
                            case 1 -> r.nextInt(1000) * 1_000_000;
                            case 2 -> r.nextInt(1_000_000) * 1_000;
                            default -> r.nextInt(1_000_000_000);
                        }))
                .auid(r.nextBoolean() ? ProcessInfo.ABSENT : r.nextInt(70_000))
                .parentExecId(parents.isEmpty() ? "" : parents.get(r.nextInt(parents.size())).execId())
                .refcnt(r.nextInt(3) == 0 ? 0 : r.nextInt(100))
                .tid(r.nextBoolean() ? ProcessInfo.ABSENT : r.nextInt(1 << 22));
        return b.build();
    }

    private static byte[] lines(EventJsonWriter w, List<Event> events) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = w.newGenerator(buf)) {
            for (Event e : events) {
                w.writeLine(g, e);
            }
        }
        return buf.toByteArray();
    }

    @Test
    void cachedOutputIsByteIdenticalToUncached() throws IOException {
        Random r = new Random(42);
        List<ProcessInfo> procs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) { // more than the cache holds: hits, misses and evictions
            procs.add(randomProcess(r, procs));
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // recurring objects, as the process cache hands them out: a few hot ones and a long tail
            ProcessInfo p = procs.get(r.nextInt(4) == 0 ? r.nextInt(8) : r.nextInt(procs.size()));
            ProcessInfo parent = r.nextInt(5) == 0 ? null : procs.get(r.nextInt(r.nextBoolean() ? 4 : procs.size()));
            Instant t = Instant.ofEpochSecond(1_712_000_000L + i, r.nextInt(1_000_000_000));
            events.add(new Event(r.nextBoolean() ? "node" : "", r.nextInt(10) == 0 ? null : t, r.nextBoolean()
                    ? new ProcessExec(p, parent)
                    : new ProcessExit(p, parent, r.nextBoolean() ? "" : "SIGKILL", r.nextInt(3) == 0 ? 0 : r.nextInt(256),
                            r.nextBoolean() ? null : t)));
        }
        byte[] expected = lines(EventJsonWriter.uncached(), events);
        EventJsonWriter cached = new EventJsonWriter();
        assertArrayEquals(expected, lines(cached, events));
        assertArrayEquals(expected, lines(cached, events), "a warm cache writes the same bytes");
    }

    @Test
    void goldenEventsAreUnchangedByTheCache() {
        EventJsonWriter cached = new EventJsonWriter();
        Instant t = Instant.parse("2024-04-14T02:18:14.376304204Z");
        Event exec = new Event("n", t, new ProcessExec(EventJsonWriterTest.VI, EventJsonWriterTest.SH));
        Event exit = new Event("n", t, new ProcessExit(EventJsonWriterTest.VI, EventJsonWriterTest.SH, "SIGKILL", 0, t));
        for (int i = 0; i < 3; i++) {
            assertEquals(EventJsonWriter.uncached().toJson(exec), cached.toJson(exec));
            assertEquals(EventJsonWriter.uncached().toJson(exit), cached.toJson(exit));
        }
    }

    @Test
    void aChangedProcessIsANewObjectAndIsSerializedAnew() {
        EventJsonWriter cached = new EventJsonWriter();
        ProcessInfo p = EventJsonWriterTest.VI;
        Event before = new Event("", null, new ProcessExec(p, null));
        Event after = new Event("", null, new ProcessExec(p.withFlags("execve clone procFS").withRefcnt(2), null));
        String b = cached.toJson(before);
        String a = cached.toJson(after);
        assertTrue(a.contains("\"flags\":\"execve clone procFS\"") && a.contains("\"refcnt\":2"), a);
        assertEquals(EventJsonWriter.uncached().toJson(before), b);
        assertEquals(EventJsonWriter.uncached().toJson(after), a);
    }

    @Test
    void hitsReuseTheBytesAndTheCacheIsBounded() {
        AtomicInteger serialized = new AtomicInteger();
        ProcessJsonCache cache = new ProcessJsonCache(p -> {
            serialized.incrementAndGet();
            return p.binary().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        });
        ProcessInfo hot = ProcessInfo.builder().binary("/bin/hot").build();
        RawJson first = cache.json(hot);
        assertSame(first, cache.json(hot));
        assertEquals(1, serialized.get());

        // many distinct objects: each is serialized once when new, and the cache keeps no more than SLOTS
        List<ProcessInfo> many = new ArrayList<>();
        for (int i = 0; i < 20 * ProcessJsonCache.SLOTS; i++) {
            many.add(ProcessInfo.builder().binary("/bin/p" + i).build());
        }
        for (ProcessInfo p : many) {
            cache.json(p);
        }
        assertEquals(1 + many.size(), serialized.get());
        int before = serialized.get();
        for (ProcessInfo p : many) {
            cache.json(p);
        }
        int reserialized = serialized.get() - before;
        assertTrue(reserialized >= many.size() - ProcessJsonCache.SLOTS,
                "at most SLOTS objects can still be cached, but " + (many.size() - reserialized) + " were");

        // an equal but distinct object is a different key: identity, not equals
        ProcessInfo twin = ProcessInfo.builder().binary("/bin/hot").build();
        assertEquals(hot, twin);
        assertNotSame(first, cache.json(twin));
    }
}

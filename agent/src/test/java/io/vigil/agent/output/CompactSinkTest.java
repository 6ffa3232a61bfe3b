package io.vigil.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.api.Event;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CompactSinkTest {
    private static final ProcessInfo CURL = ProcessInfo.builder().execId("x").pid(41234).binary("/usr/bin/curl")
            .arguments("https://example.org").build();

    @Test
    void execAndExitLines() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals("🚀 process 41234 /usr/bin/curl https://example.org",
                CompactSink.format(new Event("n", t, new ProcessExec(CURL, null))));
        assertEquals("💥 exit    41234 /usr/bin/curl https://example.org 3",
                CompactSink.format(new Event("n", t, new ProcessExit(CURL, null, "", 3, t))));
        assertEquals("💥 exit    41234 /usr/bin/curl https://example.org SIGKILL",
                CompactSink.format(new Event("n", t, new ProcessExit(CURL, null, "SIGKILL", 0, t))));
    }
}

package io.vigil.exporters.filter;

import static io.vigil.exporters.TestEvents.exec;
import static io.vigil.exporters.TestEvents.kprobe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.Event;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessKprobe;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private static final String PASSWORD = "{\"redact\":[\"(?:--password|-p)(?:\\\\s+|=)(\\\\S*)\"]}";

    @Test
    void captureGroupsAreReplacedInProcessAndParentArguments() {
        Redactor r = Redactor.parse(PASSWORD);
        Event e = r.apply(exec(10, "/usr/bin/mysql", "-u root --password=hunter2 db"));
        assertEquals("-u root --password=***** db", e.body().process().arguments());
        Event p = r.apply(new Event("n", null, new ProcessExec(
                io.vigil.exporters.TestEvents.proc(2, "/bin/ls", ""),
                io.vigil.exporters.TestEvents.proc(1, "/bin/sh", "-p s3cret -c ls"))));
        assertEquals("-p ***** -c ls", ((ProcessExec) p.body()).parent().arguments());
        Event k = r.apply(new Event("n", null, ((ProcessKprobe) kprobe(3, "/x", "pol").body())));
        assertEquals("/etc/shadow", k.body().process().arguments(), "nothing to redact");
        Event u = r.apply(new Event("n", null, new io.vigil.api.ProcessUprobe(
                io.vigil.exporters.TestEvents.proc(4, "/usr/bin/app", "--password=x"), null, "/usr/lib/libc.so.6",
                "malloc", "pol", "", java.util.List.of(), io.vigil.api.KprobeAction.POST, java.util.List.of())));
        assertEquals("--password=*****", u.body().process().arguments());
    }

    @Test
    void everyMatchAndEveryGroupIsRedacted() {
        Redactor r = Redactor.parse("{\"redact\":[\"user=(\\\\w+) pass=(\\\\w+)\"]}");
        Event e = r.apply(exec(1, "/bin/app", "user=bob pass=x1 and user=eve pass=y2"));
        assertEquals("user=***** pass=***** and user=***** pass=*****", e.body().process().arguments());
    }

    @Test
    void matchAndBinaryRegexSelectTheEvents() {
        Redactor r = Redactor.parse("{\"match\":{\"binary_regex\":[\"^/usr/bin/foo$\"]},\"redact\":[\"\\\\W(qux)\\\\W\"]}\n"
                + "{\"binary_regex\":[\"curl$\"],\"redact\":[\"-u \\\\S+:(\\\\S+)\"]}");
        assertEquals("a *****  b", r.apply(exec(1, "/usr/bin/foo", "a qux  b")).body().process().arguments());
        Event untouched = exec(1, "/usr/bin/bar", "a qux  b");
        assertSame(untouched, r.apply(untouched), "negative: other binary, event unchanged");
        assertEquals("-u bob:***** https://x", r.apply(exec(2, "/usr/bin/curl", "-u bob:pw https://x")).body().process()
                .arguments());
        assertEquals("-u bob:pw https://x", r.apply(exec(2, "/usr/bin/wget", "-u bob:pw https://x")).body().process()
                .arguments());
    }

    @Test
    void aRegexWithoutCaptureGroupIsRefused() {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> Redactor.parse("{\"redact\":[\"--password=\\\\S+\"]}"));
        assertTrue(e.getMessage().startsWith("--redaction-filters line 1: redact:"), e.getMessage());
        assertTrue(e.getMessage().contains("no capture group"));
        assertThrows(FilterSyntaxException.class, () -> Redactor.parse("{\"match\":{\"pid\":[1]}}"));
        assertThrows(FilterSyntaxException.class, () -> Redactor.parse("{\"redact\":[\"(x)\"],\"regex\":1}"));
    }
}

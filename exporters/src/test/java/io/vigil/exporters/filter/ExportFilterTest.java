package io.vigil.exporters.filter;

import static io.vigil.exporters.TestEvents.exec;
import static io.vigil.exporters.TestEvents.exit;
import static io.vigil.exporters.TestEvents.kprobe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExportFilterTest {

    private static ExportFilter allow(String lines) {
        return ExportFilter.parse(lines, null);
    }

    @Test
    void binaryRegexIsFoundAnywhereAsGoMatchString() {
        ExportFilter f = allow("{\"binary_regex\":[\"curl\"]}");
        assertTrue(f.admits(exec(10, "/usr/bin/curl", "x")));
        assertFalse(f.admits(exec(11, "/usr/bin/wget", "x")));
        ExportFilter anchored = allow("{\"binary_regex\":[\"^/usr/bin/cu\", \"^/bin/sh$\"]}");
        assertTrue(anchored.admits(exec(12, "/bin/sh", "")));
        assertFalse(anchored.admits(exec(13, "/bin/shx", "")));
    }

    @Test
    void keysInALineAreAndedLinesAreOred() {
        ExportFilter f = allow("{\"event_set\":[\"PROCESS_EXEC\"],\"binary_regex\":[\"curl$\"]}\n"
                + "\n{\"pid\":[42]}\n");
        assertTrue(f.admits(exec(10, "/usr/bin/curl", "")));
        assertFalse(f.admits(exit(10, "/usr/bin/curl")), "exit is not in the first line's event_set");
        assertTrue(f.admits(exit(42, "/usr/bin/anything")), "second line");
        assertFalse(f.admits(exec(43, "/usr/bin/wget", "")));
    }

    @Test
    void denyWinsOverAllow() {
        ExportFilter f = ExportFilter.parse("{\"event_set\":[\"PROCESS_EXEC\"]}", "{\"arguments_regex\":[\"secret\"]}");
        assertTrue(f.admits(exec(10, "/bin/cat", "/etc/hosts")));
        assertFalse(f.admits(exec(10, "/bin/cat", "/root/secret")));
        ExportFilter denyOnly = ExportFilter.parse(null, "{\"parent_binary_regex\":[\"^/usr/sbin/cron$\"]}");
        assertTrue(denyOnly.admits(exec(10, "/bin/ls", "", 5, "/bin/bash")));
        assertFalse(denyOnly.admits(exec(10, "/bin/ls", "", 5, "/usr/sbin/cron")));
    }

    @Test
    void policyNamesMatchOnlyPolicyEvents() {
        ExportFilter f = allow("{\"policy_names\":[\"credential-files\"]}");
        assertTrue(f.admits(kprobe(10, "/bin/cat", "credential-files")));
        assertFalse(f.admits(kprobe(10, "/bin/cat", "other")));
        assertFalse(f.admits(exec(10, "/bin/cat", "")));
    }

    @Test
    void pidSetFollowsDescendantsUntilTheyExit() {
        ExportFilter f = allow("{\"pid_set\":[100]}");
        assertTrue(f.admits(exec(100, "/bin/bash", "")));
        assertTrue(f.admits(exec(101, "/bin/sh", "", 100, "/bin/bash")), "child");
        assertTrue(f.admits(exec(102, "/bin/ls", "", 101, "/bin/sh")), "grandchild");
        assertFalse(f.admits(exec(200, "/bin/ls", "", 1, "/sbin/init")), "unrelated");
        assertTrue(f.admits(exit(102, "/bin/ls")), "the exit itself still matches");
        assertFalse(f.admits(kprobe(102, "/bin/ls", "p")), "gone after its exit");
        assertTrue(f.admits(kprobe(101, "/bin/sh", "p")));
    }

    @Test
    void namespaceOnlyMatchesTheHostNamespace() {
        assertTrue(allow("{\"namespace\":[\"\"]}").admits(exec(1, "/bin/sh", "")));
        assertFalse(allow("{\"namespace\":[\"kube-system\"]}").admits(exec(1, "/bin/sh", "")));
    }

    @Test
    void emptyObjectMatchesEverything() {
        assertTrue(allow("{}").admits(exit(1, "/x")));
        assertTrue(ExportFilter.parse("", "  ").isAllowAll());
    }

    @Test
    void badSyntaxIsAClearErrorWithTheLine() {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> allow("{\"pid\":[1]}\n{\"binary\":[\"x\"]}"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("--export-allowlist line 2: unknown key \"binary\""), e.getMessage());
        assertTrue(e.getMessage().contains("binary_regex"), "lists the supported keys");

        e = assertThrows(FilterSyntaxException.class, () -> ExportFilter.parse(null, "{\"binary_regex\":[\"(\"]}"));
        assertTrue(e.getMessage().startsWith("--export-denylist line 1: binary_regex: bad regex \"(\""), e.getMessage());

        e = assertThrows(FilterSyntaxException.class, () -> allow("{\"event_set\":[\"PROCESS_EXECVE\"]}"));
        assertTrue(e.getMessage().contains("unknown event type \"PROCESS_EXECVE\""), e.getMessage());

        e = assertThrows(FilterSyntaxException.class, () -> allow("{\"pod_regex\":[\"x\"]}"));
        assertTrue(e.getMessage().contains("Vigil does not support"), e.getMessage());

        e = assertThrows(FilterSyntaxException.class, () -> allow("binary_regex: x"));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());

        e = assertThrows(FilterSyntaxException.class, () -> allow("{\"pid\":\"12\"}"));
        assertTrue(e.getMessage().contains("expected a list of pids"), e.getMessage());

        e = assertThrows(FilterSyntaxException.class, () -> allow("[{\"pid\":[1]}]"));
        assertTrue(e.getMessage().contains("expected a JSON object"), e.getMessage());
    }
}

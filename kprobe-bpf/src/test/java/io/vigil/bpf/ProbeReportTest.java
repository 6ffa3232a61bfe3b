package io.vigil.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Backend choice and the table, from made-up results (no kernel involved). */
class ProbeReportTest {

    static ProbeReport report(Set<Feature> supported) {
        List<ProbeReport.Result> rs = new ArrayList<>();
        for (Feature f : Feature.values()) {
            boolean ok = supported.contains(f);
            rs.add(new ProbeReport.Result(f, ok, ok ? "ok" : "EPERM at load", Duration.ofMillis(3)));
        }
        return new ProbeReport(rs, Duration.ofMillis(42));
    }

    @Test
    void choosesFentryOnlyWithBothFentryAndFexit() {
        assertEquals(Backend.FENTRY, report(Set.of(Feature.FENTRY, Feature.FEXIT, Feature.KPROBE)).choose());
        assertEquals(Backend.FENTRY, report(Set.of(Feature.FENTRY, Feature.FEXIT)).choose(), "LSM is optional");
        assertEquals(Backend.KPROBE, report(Set.of(Feature.FENTRY, Feature.KPROBE)).choose());
        assertEquals(Backend.TRACEPOINT, report(Set.of(Feature.FENTRY, Feature.TRACEPOINT, Feature.KPROBE_MULTI)).choose());
        assertEquals(Backend.TRACEPOINT, report(Set.of()).choose());
    }

    @Test
    void tableHasOneLinePerFeature() {
        ProbeReport r = report(Set.of(Feature.TRACEPOINT, Feature.RAW_TP));
        String t = r.toTable();
        String[] lines = t.split("\n");
        assertEquals(Feature.values().length + 1, lines.length, t);
        assertTrue(lines[0].startsWith("feature"), t);
        assertTrue(t.contains("tracepoint "), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("kprobe.multi ") && l.contains(" no ") && l.endsWith("EPERM at load")), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("raw_tp ") && l.contains(" yes ") && l.endsWith("ok")), t);
        assertTrue(r.toString().endsWith("backend: tracepoint (probed in 42 ms)\n"), r.toString());
        assertFalse(r.supported(Feature.KPROBE));
        assertEquals("EPERM at load", r.reason(Feature.KPROBE));
    }

    @Test
    void displayNamesAreExplicit() {
        assertEquals("kprobe.multi", Feature.KPROBE_MULTI.displayName());
        assertEquals("tracepoint", Backend.TRACEPOINT.displayName());
        assertEquals(Backend.FENTRY, Backend.ofDisplayName("FEntry"));
        for (Feature f : Feature.values()) {
            assertEquals(f == Feature.FANOTIFY_PERM, f.program() == null, f.name());
        }
    }

    @Test
    void absentFeatureIsNotProbed() {
        ProbeReport r = new ProbeReport(List.of(), Duration.ZERO);
        assertEquals("not probed", r.reason(Feature.TCX));
        assertEquals(Backend.TRACEPOINT, r.choose());
    }
}

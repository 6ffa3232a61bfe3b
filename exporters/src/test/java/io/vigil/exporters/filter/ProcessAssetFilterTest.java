package io.vigil.exporters.filter;

import static io.vigil.exporters.TestEvents.asset;
import static io.vigil.exporters.TestEvents.exec;
import static io.vigil.exporters.TestEvents.exit;
import static io.vigil.exporters.TestEvents.kprobe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.api.Event;
import io.vigil.api.ProcessAsset;
import io.vigil.api.json.EventJsonWriter;
import org.junit.jupiter.api.Test;

/** process_asset (the model-theft guard's decisions) through every filter: types, policies, processes, redaction. */
class ProcessAssetFilterTest {
    private static final Event DENIED = asset(10, "/usr/bin/python3", "upload.py", 5, "/bin/bash", "protect-llama");

    @Test
    void eventSetNamesItProcessAsset() {
        assertEquals("PROCESS_ASSET", EventTypes.of(DENIED));
        ExportFilter only = ExportFilter.parse("{\"event_set\":[\"PROCESS_ASSET\"]}", null);
        assertTrue(only.admits(DENIED));
        assertFalse(only.admits(exec(10, "/usr/bin/python3", "")), "negative: exec is not in the set");
        ExportFilter others = ExportFilter.parse("{\"event_set\":[\"PROCESS_EXEC\",\"PROCESS_KPROBE\"]}", null);
        assertFalse(others.admits(DENIED), "negative: process_asset is not a kprobe");
        ExportFilter deny = ExportFilter.parse(null, "{\"event_set\":[\"PROCESS_ASSET\"]}");
        assertFalse(deny.admits(DENIED));
        assertTrue(deny.admits(exec(10, "/bin/ls", "")));
    }

    @Test
    void policyNamesMatchTheAssetPolicy() {
        ExportFilter f = ExportFilter.parse("{\"policy_names\":[\"protect-llama\"]}", null);
        assertTrue(f.admits(DENIED));
        assertFalse(f.admits(asset(10, "/usr/bin/python3", "", 5, "/bin/bash", "other")), "negative: other policy");
        assertFalse(f.admits(kprobe(10, "/bin/cat", "other")));
        assertFalse(f.admits(exec(10, "/bin/cat", "")), "exec has no policy");
        ExportFilter empty = ExportFilter.parse("{\"policy_names\":[\"\"]}", null);
        assertTrue(empty.admits(asset(10, "/x", "", 5, "/y", "")), "an unnamed policy is \"\"");
        assertFalse(empty.admits(exec(10, "/bin/cat", "")), "negative: exec is not an unnamed policy");
    }

    @Test
    void processAndParentKeysSeeTheAssetEventsProcesses() {
        assertTrue(ExportFilter.parse("{\"binary_regex\":[\"python3$\"]}", null).admits(DENIED));
        assertTrue(ExportFilter.parse("{\"arguments_regex\":[\"^upload\"]}", null).admits(DENIED));
        assertTrue(ExportFilter.parse("{\"parent_binary_regex\":[\"^/bin/bash$\"]}", null).admits(DENIED));
        assertFalse(ExportFilter.parse("{\"parent_binary_regex\":[\"^/bin/zsh$\"]}", null).admits(DENIED));
        assertTrue(ExportFilter.parse("{\"parent_arguments_regex\":[\"token\"]}", null).admits(DENIED));
        assertTrue(ExportFilter.parse("{\"pid\":[10]}", null).admits(DENIED));
        Event orphan = new Event("n", null, new ProcessAsset(((ProcessAsset) DENIED.body()).process(), null, "p",
                "TAINT", "DENY", new ProcessAsset.Asset("/m", 1, 2), null, 0, 0));
        assertFalse(ExportFilter.parse("{\"parent_binary_regex\":[\".\"]}", null).admits(orphan), "no parent, no match");
    }

    @Test
    void pidSetMatchesADescendantsAssetEvent() {
        ExportFilter f = ExportFilter.parse("{\"pid_set\":[5]}", null);
        assertTrue(f.admits(exec(10, "/usr/bin/python3", "upload.py", 5, "/bin/bash")));
        assertTrue(f.admits(DENIED), "pid 10 descends from 5");
        assertFalse(f.admits(asset(11, "/usr/bin/curl", "", 1, "/sbin/init", "p")), "negative: not a descendant");
        assertTrue(f.admits(exit(10, "/usr/bin/python3")));
        assertFalse(f.admits(DENIED), "forgotten after its exit");
    }

    @Test
    void redactionReachesTheAssetEventsProcessAndParent() {
        Redactor r = Redactor.parse("{\"redact\":[\"--token=(\\\\S+)\"]}");
        Event e = r.apply(DENIED);
        assertNotSame(DENIED, e);
        ProcessAsset a = (ProcessAsset) e.body();
        assertEquals("--token=*****", a.parent().arguments());
        ProcessAsset before = (ProcessAsset) DENIED.body();
        assertEquals(new ProcessAsset(before.process(), a.parent(), before.policyName(), before.event(), before.action(),
                before.asset(), before.destination(), before.bytesSent(), before.budget()), a, "the rest is kept");
        assertSame(DENIED, Redactor.parse("{\"redact\":[\"--password=(\\\\S+)\"]}").apply(DENIED), "nothing to redact");
    }

    @Test
    void fieldFiltersApplyToProcessAsset() throws Exception {
        FieldFilters f = FieldFilters.parse(
                "{\"event_set\":[\"PROCESS_ASSET\"],\"fields\":\"parent,asset.dev,asset.inode\",\"action\":\"EXCLUDE\"}");
        assertTrue(f.appliesTo("PROCESS_ASSET"));
        assertFalse(f.appliesTo("PROCESS_KPROBE"));
        ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(EventJsonWriter.uncached().toJson(DENIED));
        ObjectNode body = (ObjectNode) tree.get("process_asset");
        f.apply("PROCESS_ASSET", body);
        assertFalse(body.has("parent"));
        assertEquals("{\"path\":\"/models/llama.safetensors\"}", body.get("asset").toString());
        assertEquals("CONNECT_DENIED", body.get("event").asText());
    }
}

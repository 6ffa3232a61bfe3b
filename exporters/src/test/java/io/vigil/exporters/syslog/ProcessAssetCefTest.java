package io.vigil.exporters.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.Event;
import io.vigil.api.ProcessAsset;
import io.vigil.exporters.TestEvents;
import io.vigil.exporters.remote.Record;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** process_asset (the model-theft guard's decisions) as RFC 5424 messages and CEF lines. */
class ProcessAssetCefTest {
    private static final SyslogOptions CEF = new SyslogOptions("127.0.0.1", 514, SyslogOptions.Transport.TCP, null,
            SyslogOptions.Format.CEF, 13, null, "4242", "1.2.3", null);

    private static Event event(String name, String action, ProcessAsset.Asset asset, ProcessAsset.Destination d,
                               long sent, long budget) {
        return new Event("node-1", TestEvents.T, new ProcessAsset(TestEvents.proc(77, "/usr/bin/python3", "up.py"),
                TestEvents.proc(1, "/sbin/init", ""), "protect-llama", name, action, asset, d, sent, budget));
    }

    private static final ProcessAsset.Asset LLAMA = new ProcessAsset.Asset("/models/llama.safetensors", 2051, 131);
    private static final ProcessAsset.Destination DST =
            new ProcessAsset.Destination("10.251.61.2", 7302, "TCP", List.of("exfil.example.net"));

    private static String message(Event e) {
        return new String(new SyslogEncoder(CEF).encode(e).payload(), StandardCharsets.UTF_8);
    }

    private static CefParser.Cef cef(Event e) {
        String msg = message(e);
        return CefParser.parse(msg.substring(msg.indexOf("CEF:0|")));
    }

    @Test
    void connectDeniedMapsDestinationAssetAndPolicy() {
        Event e = event("CONNECT_DENIED", "DENY", LLAMA, DST, 4096, 0);
        Record r = new SyslogEncoder(CEF).encode(e);
        String msg = new String(r.payload(), StandardCharsets.UTF_8);
        // PRI = 13*8 + 4 (warning: the guard stopped it); MSGID stays the event type
        assertTrue(msg.startsWith("<108>1 2024-04-14T02:18:03.000000Z node-1 vigil 4242 process_asset - CEF:0|"), msg);
        CefParser.Cef c = cef(e);
        assertEquals(List.of("0", "Vigil", "vigil", "1.2.3", "process_asset:CONNECT_DENIED",
                "protect-llama: Tainted process connect denied", "8"), c.header());
        assertEquals("CONNECT_DENIED", c.get("act"));
        assertEquals("/models/llama.safetensors", c.get("filePath"));
        assertEquals("llama.safetensors", c.get("fname"));
        assertEquals("131", c.get("fileId"));
        assertEquals("10.251.61.2", c.get("dst"));
        assertEquals("7302", c.get("dpt"));
        assertEquals("TCP", c.get("proto"));
        assertEquals("exfil.example.net", c.get("dhost"));
        assertEquals("4096", c.get("out"));
        assertEquals("policy_name", c.get("cs1Label"));
        assertEquals("protect-llama", c.get("cs1"));
        assertEquals("policy_action", c.get("cs5Label"));
        assertEquals("DENY", c.get("cs5"));
        assertEquals("file_device", c.get("cn2Label"));
        assertEquals("2051", c.get("cn2"));
        assertNull(c.get("cn3"), "no budget crossed");
        assertEquals("77", c.get("spid"));
        assertEquals("/usr/bin/python3", c.get("sproc"));
        assertEquals("/sbin/init", c.get("cs4"));
        assertEquals("1", c.get("cn1"));
        assertEquals(r.id(), c.get("externalId"));
    }

    @Test
    void taintIsMediumAndHasNoDestination() {
        Event e = event("TAINT", "DENY", LLAMA, null, 0, 0);
        assertTrue(message(e).startsWith("<109>1 "), "13*8 + 5 notice");
        CefParser.Cef c = cef(e);
        assertEquals(List.of("0", "Vigil", "vigil", "1.2.3", "process_asset:TAINT", "protect-llama: Protected asset read",
                "5"), c.header());
        assertEquals("TAINT", c.get("act"));
        assertEquals("/models/llama.safetensors", c.get("filePath"));
        for (String k : List.of("dst", "dpt", "proto", "dhost", "out", "cn3")) {
            assertFalse(c.ext().containsKey(k), k + " on a taint");
        }
    }

    @Test
    void severityPerDecision() {
        String[][] rows = {
            // event, action, CEF severity, syslog severity
            {"TAINT", "MONITOR", "5", "5"},
            {"OPEN_MONITORED", "MONITOR", "7", "4"},
            {"EGRESS_MONITORED", "MONITOR", "7", "4"},
            {"BUDGET_EXCEEDED", "MONITOR", "7", "4"},
            {"OPEN_DENIED", "DENY", "8", "4"},
            {"SEND_DENIED", "DENY", "8", "4"},
            {"BUDGET_EXCEEDED", "DENY", "8", "4"},
            {"KILLED", "KILL", "8", "4"},
        };
        for (String[] r : rows) {
            Event e = event(r[0], r[1], LLAMA, DST, 1, 0);
            assertEquals(r[2], cef(e).header().get(6), r[0] + "/" + r[1]);
            assertTrue(message(e).startsWith("<" + (13 * 8 + Integer.parseInt(r[3])) + ">1 "), r[0] + "/" + r[1]);
            assertEquals("process_asset:" + r[0], cef(e).header().get(4));
        }
        Event future = event("SOMETHING_NEW", "DENY", LLAMA, null, 0, 0);
        assertEquals("protect-llama: SOMETHING_NEW", cef(future).header().get(5), "an unknown decision is named as is");
    }

    @Test
    void budgetIpv6AndEscaping() {
        Event e = new Event("n", TestEvents.T, new ProcessAsset(TestEvents.proc(5, "/bin/sh", ""), null, "a|b=c",
                "BUDGET_EXCEEDED", "MONITOR", new ProcessAsset.Asset("/m/x=y\\z|w.gguf", 1, 2),
                new ProcessAsset.Destination("fd00::2", 443, "TCP", List.of()), 1048577, 1048576));
        String msg = message(e);
        String line = msg.substring(msg.indexOf("CEF:0|"));
        assertTrue(line.contains("|a\\|b=c: Tainted process egress budget exceeded|7|"), line);
        assertTrue(line.contains("filePath=/m/x\\=y\\\\z|w.gguf "), line);
        CefParser.Cef c = CefParser.parse(line);
        assertEquals("a|b=c", c.get("cs1"));
        assertEquals("/m/x=y\\z|w.gguf", c.get("filePath"));
        assertEquals("x=y\\z|w.gguf", c.get("fname"));
        assertEquals("fd00::2", c.get("dst"));
        assertEquals("1048577", c.get("out"));
        assertEquals("budget", c.get("cn3Label"));
        assertEquals("1048576", c.get("cn3"));
        assertEquals("MONITOR", c.get("cs5"));
        assertNull(c.get("dhost"), "no names");
        assertNull(c.get("cn1"), "no parent");
    }
}

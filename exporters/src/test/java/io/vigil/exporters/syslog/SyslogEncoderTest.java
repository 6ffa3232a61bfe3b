package io.vigil.exporters.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.exporters.TestEvents;
import io.vigil.exporters.remote.JsonRecordEncoder;
import io.vigil.exporters.remote.Record;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogEncoderTest {
    private static final SyslogOptions CEF = new SyslogOptions("127.0.0.1", 514, SyslogOptions.Transport.TCP, null,
            SyslogOptions.Format.CEF, 13, null, "4242", "1.2.3", null);

    static Event nasty() {
        ProcessInfo p = ProcessInfo.builder().execId("ZXhlYw==").pid(77).uid(1000).cwd("/tmp/a=b")
                .binary("/usr/bin/p|pe").arguments("-c 'x=1\\y'\nsecond line\r").startTime(TestEvents.T).build();
        return new Event("node-1", Instant.parse("2024-04-14T02:18:14.376304204Z"), new ProcessKprobe(p,
                TestEvents.proc(1, "/sbin/init", ""), "security_file_permission",
                List.of(KprobeArgument.of(new ArgValue.FileArg("/etc/shadow", "", "-rw-r-----"))), null,
                KprobeAction.SIGKILL, "deny|shadow", KprobeAction.UNKNOWN, "read of a=shadow\\file", List.of()));
    }

    @Test
    void rfc5424HeaderFields() {
        Record r = new SyslogEncoder(CEF).encode(nasty());
        String msg = new String(r.payload(), StandardCharsets.UTF_8);
        // PRI = 13*8 + 4 (warning: the hook killed the process)
        assertTrue(msg.startsWith("<108>1 2024-04-14T02:18:14.376304Z node-1 vigil 4242 process_kprobe - CEF:0|"), msg);
        assertEquals(new JsonRecordEncoder().encode(nasty()).id(), r.id(), "same id whatever the body format");
        assertEquals("ZXhlYw==", r.key());
        Record exec = new SyslogEncoder(CEF.withHostname("my host")).encode(TestEvents.exec(5, "/bin/sh", ""));
        assertTrue(new String(exec.payload(), StandardCharsets.UTF_8)
                .startsWith("<110>1 2024-04-14T02:18:03.000000Z my_host vigil 4242 process_exec - "));
    }

    @Test
    void cefEscapesPipesBackslashesEqualsAndLineBreaksAndMapsTheFields() {
        Record r = new SyslogEncoder(CEF).encode(nasty());
        String msg = new String(r.payload(), StandardCharsets.UTF_8);
        String cefLine = msg.substring(msg.indexOf("CEF:0|"));
        assertTrue(!cefLine.contains("\n") && !cefLine.contains("\r"), "one line: " + cefLine);
        CefParser.Cef c = CefParser.parse(cefLine);
        assertEquals(List.of("0", "Vigil", "vigil", "1.2.3", "process_kprobe",
                "deny|shadow: security_file_permission", "8"), c.header());
        assertEquals("-c 'x=1\\y'\nsecond line\r", c.get("cs2"), "arguments round-trip through the escaping");
        assertEquals("arguments", c.get("cs2Label"));
        assertEquals("/usr/bin/p|pe", c.get("sproc"));
        assertEquals("77", c.get("spid"));
        assertEquals("1000", c.get("suid"));
        assertEquals("deny|shadow", c.get("cs1"));
        assertEquals("policy_name", c.get("cs1Label"));
        assertEquals("ZXhlYw==", c.get("cs3"));
        assertEquals("/sbin/init", c.get("cs4"));
        assertEquals("security_file_permission", c.get("cs5"));
        assertEquals("/tmp/a=b", c.get("cs6"));
        assertEquals("1", c.get("cn1"));
        assertEquals("KPROBE_ACTION_SIGKILL", c.get("act"));
        assertEquals("/etc/shadow", c.get("filePath"));
        assertEquals("read of a=shadow\\file", c.get("msg"));
        assertEquals("node-1", c.get("dvchost"));
        assertEquals(Long.toString(Instant.parse("2024-04-14T02:18:14.376Z").toEpochMilli()), c.get("rt"));
        assertEquals(r.id(), c.get("externalId"));
    }

    @Test
    void exitCarriesStatusAndSignal() {
        Event e = new Event("n", TestEvents.T, new ProcessExit(TestEvents.proc(9, "/bin/sleep", "10"),
                TestEvents.proc(1, "/sbin/init", ""), "SIGKILL", 0, TestEvents.T));
        String msg = new String(new SyslogEncoder(CEF).encode(e).payload(), StandardCharsets.UTF_8);
        CefParser.Cef c = CefParser.parse(msg.substring(msg.indexOf("CEF:")));
        assertEquals("Process exit", c.header().get(5));
        assertEquals("3", c.header().get(6));
        assertEquals("SIGKILL", c.get("reason"));
        assertEquals("0", c.get("cn2"));
        assertEquals("/bin/sleep", c.get("sproc"));
    }

    @Test
    void jsonBodyIsTheTetragonEvent() {
        SyslogOptions o = new SyslogOptions("h", 1, SyslogOptions.Transport.TCP, null, SyslogOptions.Format.JSON, 13,
                null, null, null, null);
        Event e = TestEvents.exec(5, "/bin/sh", "");
        String msg = new String(new SyslogEncoder(o).encode(e).payload(), StandardCharsets.UTF_8);
        String json = new String(new JsonRecordEncoder().json(e), StandardCharsets.UTF_8);
        assertEquals("<110>1 2024-04-14T02:18:03.000000Z node vigil - process_exec - " + json, msg);
    }
}

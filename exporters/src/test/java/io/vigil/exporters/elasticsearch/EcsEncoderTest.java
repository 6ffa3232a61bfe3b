package io.vigil.exporters.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.exporters.remote.Record;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: one event of each type in, the exact ECS document out. The expected documents
 * (src/test/resources/ecs/*.json) are pretty-printed for reading; they are compared byte for byte
 * after re-serialising them compactly, so field order and omissions count.
 */
class EcsEncoderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2024-04-14T02:18:14.376304204Z");
    private static final Instant START = Instant.parse("2024-04-14T02:18:02.240856427Z");
    private static final Instant PARENT_START = Instant.parse("2024-04-14T02:17:46.240638141Z");

    private final EcsEncoder encoder = new EcsEncoder();

    static ProcessInfo vi() {
        return ProcessInfo.builder().execId("dmk6NjQ3NDY=").pid(64746).uid(1000).cwd("/home/u").binary("/bin/vi")
                .arguments("/etc/passwd -R").flags("execve clone").startTime(START).auid(1000)
                .parentExecId("c2g6NjQ2MTU=").refcnt(1).tid(64746).build();
    }

    static ProcessInfo sh() {
        return ProcessInfo.builder().execId("c2g6NjQ2MTU=").pid(64615).uid(0).cwd("/").binary("/bin/sh")
                .flags("execve rootcwd clone").startTime(PARENT_START).auid(4294967295L).tid(64615).build();
    }

    static Event exec() {
        return new Event("node-a", TIME, new ProcessExec(vi(), sh()));
    }

    static Event exitBySignal() {
        return new Event("node-a", TIME, new ProcessExit(vi(), sh(), "SIGKILL", 0, TIME));
    }

    static Event kprobeFileSigkill() {
        return new Event("node-a", TIME, new ProcessKprobe(vi(), sh(), "security_file_permission",
                List.of(KprobeArgument.of(new ArgValue.FileArg("/etc/passwd", "", "-rw-r--r--")),
                        KprobeArgument.of(new ArgValue.IntArg(2))),
                null, KprobeAction.SIGKILL, "file-monitoring", KprobeAction.UNKNOWN, "passwd written",
                List.of("observability.filesystem")));
    }

    static Event kprobeConnectPost() {
        return new Event("node-a", TIME, new ProcessKprobe(vi(), sh(), "tcp_connect",
                List.of(KprobeArgument.of(new ArgValue.SockArg("AF_INET", "SOCK_STREAM", "IPPROTO_TCP", 0, 0,
                        "10.0.0.2", "93.184.216.34", 40312, 443, 0, "TCP_SYN_SENT"))),
                KprobeArgument.of(new ArgValue.IntArg(0)), KprobeAction.POST, "connect", KprobeAction.POST, "",
                List.of()));
    }

    static Event tracepointOverride() {
        return new Event("node-a", TIME, new ProcessTracepoint(vi(), null, "syscalls", "sys_enter_unlinkat",
                List.of(KprobeArgument.of(new ArgValue.StringArg("/var/log/audit.log"))), "no-unlink",
                KprobeAction.OVERRIDE, "", List.of()));
    }

    static Event lsmNotifyEnforcer() {
        return new Event("node-a", TIME, new ProcessLsm(vi(), sh(), "bprm_check_security", "deny-nc", "nc blocked",
                List.of(KprobeArgument.of(ArgValue.LinuxBinprmArg.of("/usr/bin/nc"))), KprobeAction.NOTIFYENFORCER,
                List.of("enforce", "network")));
    }

    static Event uprobe() {
        return new Event("node-a", TIME, new ProcessUprobe(vi(), sh(), "/usr/lib/libssl.so.3", "SSL_write",
                "ssl-watch", "", List.of(), KprobeAction.UNKNOWN, List.of()));
    }

    @Test
    void processExec() throws IOException {
        assertGolden("process_exec.json", exec());
    }

    @Test
    void processExitKilledBySignal() throws IOException {
        assertGolden("process_exit.json", exitBySignal());
    }

    @Test
    void kprobeFileArgWithSigkillIsAnAlert() throws IOException {
        assertGolden("process_kprobe_file_sigkill.json", kprobeFileSigkill());
    }

    @Test
    void kprobeSockArgMapsDestinationSourceAndNetwork() throws IOException {
        assertGolden("process_kprobe_connect.json", kprobeConnectPost());
    }

    @Test
    void tracepointWithOverrideAndNoParent() throws IOException {
        assertGolden("process_tracepoint_override.json", tracepointOverride());
    }

    @Test
    void lsmNotifyEnforcerIsAnAlert() throws IOException {
        assertGolden("process_lsm_notify.json", lsmNotifyEnforcer());
    }

    @Test
    void uprobeWithoutArgs() throws IOException {
        assertGolden("process_uprobe.json", uprobe());
    }

    @Test
    void idIsTruncatedSha256OfTheTetragonJsonBase64url() throws Exception {
        Event e = kprobeFileSigkill();
        byte[] json = EventJsonWriter.uncached().toJson(e).getBytes(StandardCharsets.UTF_8);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        Record r = encoder.encode(e);
        assertEquals(expected, r.id());
        assertEquals(22, r.id().length());
        assertEquals("dmk6NjQ3NDY=", r.key(), "key: the process's exec_id");
    }

    @Test
    void sameEventSameIdAndBytesAcrossEncoders() {
        Record a = encoder.encode(exec());
        Record b = new EcsEncoder().encode(exec());
        assertEquals(a.id(), b.id());
        assertEquals(new String(a.payload(), StandardCharsets.UTF_8), new String(b.payload(), StandardCharsets.UTF_8));
    }

    @Test
    void eventsDifferingOnlyInTimeGetDifferentIds() {
        Event later = new Event("node-a", TIME.plusNanos(1), exec().body());
        assertNotEquals(encoder.encode(exec()).id(), encoder.encode(later).id());
    }

    @Test
    void vigilHoldsTheTetragonEventVerbatim() throws IOException {
        Event e = kprobeConnectPost();
        JsonNode doc = MAPPER.readTree(encoder.encode(e).payload());
        assertEquals(MAPPER.readTree(EventJsonWriter.uncached().toJson(e)), doc.get("vigil"));
    }

    @Test
    void kprobeReturnActionEnforcementAlsoMakesAnAlert() throws IOException {
        Event e = new Event("n", TIME, new ProcessKprobe(vi(), null, "fd_install", List.of(), null,
                KprobeAction.POST, "p", KprobeAction.OVERRIDE, "", List.of()));
        JsonNode doc = MAPPER.readTree(encoder.encode(e).payload());
        assertEquals("alert", doc.at("/event/kind").asText());
        assertTrue(doc.at("/event/category").toString().contains("intrusion_detection"));
    }

    @Test
    void negativeReturnValueIsFailure() throws IOException {
        Event e = new Event("n", TIME, new ProcessKprobe(vi(), null, "do_sys_openat2", List.of(),
                KprobeArgument.of(new ArgValue.IntArg(-13)), KprobeAction.POST, "p", KprobeAction.UNKNOWN, "",
                List.of()));
        JsonNode doc = MAPPER.readTree(encoder.encode(e).payload());
        assertEquals("event", doc.at("/event/kind").asText());
        assertEquals("failure", doc.at("/event/outcome").asText());
    }

    private void assertGolden(String name, Event e) throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/ecs/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file ecs/" + name + "; the encoder gave:\n"
                        + new String(encoder.encode(e).payload(), StandardCharsets.UTF_8));
            }
            expected = MAPPER.writeValueAsString(MAPPER.readTree(in));
        }
        assertEquals(expected, new String(encoder.encode(e).payload(), StandardCharsets.UTF_8));
    }
}

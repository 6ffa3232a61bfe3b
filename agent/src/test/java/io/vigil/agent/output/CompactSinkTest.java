package io.vigil.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import java.time.Instant;
import java.util.List;
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

    @Test
    void exportLossLine() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals("⚠️ export  kafka lost 12 events (spool_full, 40 in all)", CompactSink.format(new Event("n", t,
                new io.vigil.api.ExportLoss("kafka", io.vigil.api.ExportLoss.Reason.SPOOL_FULL, 12, 40, t))));
    }

    private static final ProcessInfo CAT = ProcessInfo.builder().execId("c").pid(41300).binary("/usr/bin/cat")
            .arguments("/etc/passwd").build();
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static String kprobe(String fn, KprobeAction action, ArgValue... args) {
        List<KprobeArgument> a = java.util.Arrays.stream(args).map(KprobeArgument::of).toList();
        return CompactSink.format(new Event("n", T, new ProcessKprobe(CAT, null, fn, a, null, action, "p",
                KprobeAction.UNKNOWN, "", List.of())));
    }

    @Test
    void policyEventLines() {
        assertEquals("📬 open    41300 /usr/bin/cat /etc/passwd",
                kprobe("__x64_sys_openat", KprobeAction.POST, new ArgValue.IntArg(-100), new ArgValue.StringArg("/etc/passwd")));
        assertEquals("📬 open    41300 /usr/bin/cat /etc/passwd",
                kprobe("fd_install", KprobeAction.POST, new ArgValue.IntArg(3), ArgValue.FileArg.of("/etc/passwd")));
        assertEquals("📝 write   41300 /usr/bin/cat /tmp/out 12 bytes",
                kprobe("__arm64_sys_write", KprobeAction.POST, ArgValue.FileArg.of("/tmp/out"), new ArgValue.SizeArg(12)));
        assertEquals("🔌 connect 41300 /usr/bin/cat tcp 10.0.0.2:40000 -> 1.2.3.4:443 (SIGKILL)",
                kprobe("tcp_connect", KprobeAction.SIGKILL, new ArgValue.SockArg("AF_INET", "SOCK_STREAM", "IPPROTO_TCP",
                        0, 0, "10.0.0.2", "1.2.3.4", 40000, 443, 0, "TCP_SYN_SENT")));
        assertEquals("🔑 setuid  41300 /usr/bin/cat 0", kprobe("__x64_sys_setuid", KprobeAction.POST, new ArgValue.IntArg(0)));
        assertEquals("⁉️ security_file_permission 41300 /usr/bin/cat /etc/passwd",
                kprobe("security_file_permission", KprobeAction.POST, ArgValue.FileArg.of("/etc/passwd"), new ArgValue.IntArg(4)));
        assertEquals("📬 open    41300 /usr/bin/cat /etc/hosts",
                CompactSink.format(new Event("n", T, new ProcessTracepoint(CAT, null, "syscalls", "sys_enter_openat",
                        List.of(KprobeArgument.of(new ArgValue.LongArg(-100)), KprobeArgument.of(new ArgValue.StringArg("/etc/hosts"))),
                        "p", KprobeAction.POST, "", List.of()))));
        assertEquals("🔒 bpf_map 41300 /usr/bin/cat",
                CompactSink.format(new Event("n", T, new ProcessLsm(CAT, null, "bpf_map", "p", "", List.of(),
                        KprobeAction.POST, List.of()))));
    }
}

package io.vigil.bench;

import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import java.time.Instant;
import java.util.List;

/**
 * The export benchmarks' events: a mix as the agent sees it, a process_exec with its parent, a
 * process_kprobe and a process_exit per process (about 600 bytes of Tetragon JSON each), built before
 * the clock starts.
 */
public final class BenchEvents {
    private static final Instant T = Instant.parse("2026-12-05T12:00:00.123456789Z");
    private static final ProcessInfo PARENT = ProcessInfo.builder().execId("bm9kZToxNjgwMTcwNDc5NDI5ODo2NDYxNQ==")
            .pid(64615).uid(0).cwd("/root").binary("/bin/bash").arguments("-l").flags("execve rootcwd clone")
            .startTime(T.minusSeconds(60)).auid(0).parentExecId("bm9kZToxOjE=").tid(64615).build();
    private static final List<KprobeArgument> KPROBE_ARGS =
            List.of(KprobeArgument.of(new ArgValue.StringArg("/etc/ssl/certs/ca-certificates.crt")));

    private BenchEvents() {}

    /** {@code n} events, each one different (its own exec_id): what receivers that dedupe by content need. */
    public static Event[] distinct(int n) {
        Event[] out = new Event[n];
        for (int i = 0; i < n; i++) {
            out[i] = event(i);
        }
        return out;
    }

    /** Event {@code i} of the mix: i % 3 picks exec, kprobe or exit; pid and exec_id follow i. */
    public static Event event(int i) {
        long pid = 100_000 + i;
        ProcessInfo p = ProcessInfo.builder().execId("bm9kZToxNjgxNzcwNTAxMjU0Mjo2NDc0" + i).pid(pid).uid(1000)
                .cwd("/home/user/src").binary("/usr/bin/curl")
                .arguments("-s -u bob --password=hunter2 https://example.org/api/v1/items?page=" + i)
                .flags("execve clone").startTime(T).auid(1000).parentExecId(PARENT.execId()).tid(pid).build();
        return switch (i % 3) {
            case 0 -> new Event("node-1", T, new ProcessExec(p, PARENT));
            case 1 -> new Event("node-1", T, new ProcessKprobe(p, PARENT, "security_file_permission", KPROBE_ARGS,
                    null, KprobeAction.POST, "file-monitoring", KprobeAction.UNKNOWN, "", List.of("observability")));
            default -> new Event("node-1", T, new ProcessExit(p, PARENT, "", 0, T));
        };
    }
}

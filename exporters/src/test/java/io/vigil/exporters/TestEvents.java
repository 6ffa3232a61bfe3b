package io.vigil.exporters;

import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import java.time.Instant;
import java.util.List;

/** Events for the exporter tests. */
public final class TestEvents {
    private TestEvents() {}

    public static final Instant T = Instant.parse("2024-04-14T02:18:03Z");

    public static ProcessInfo proc(long pid, String binary, String args) {
        return ProcessInfo.builder().execId("id" + pid).pid(pid).uid(0).cwd("/").binary(binary).arguments(args)
                .flags("execve clone").startTime(Instant.parse("2024-04-14T02:18:02Z")).auid(0).tid(pid).build();
    }

    public static Event exec(long pid, String binary, String args, long ppid, String parentBinary) {
        return new Event("node", T, new ProcessExec(proc(pid, binary, args), proc(ppid, parentBinary, "")));
    }

    public static Event exec(long pid, String binary, String args) {
        return exec(pid, binary, args, 1, "/sbin/init");
    }

    public static Event exit(long pid, String binary) {
        return new Event("node", T, new ProcessExit(proc(pid, binary, ""), proc(1, "/sbin/init", ""), "", 0, T));
    }

    public static Event kprobe(long pid, String binary, String policy) {
        return new Event("node", T, new ProcessKprobe(proc(pid, binary, "/etc/shadow"), proc(1, "/sbin/init", ""),
                "__x64_sys_read", List.of(KprobeArgument.of(new ArgValue.StringArg("/etc/shadow"))), null,
                KprobeAction.POST, policy, KprobeAction.UNKNOWN, "", List.of()));
    }

    /** A model-theft guard decision about {@code pid}: CONNECT_DENIED to 10.251.61.2:7302 after reading a model. */
    public static Event asset(long pid, String binary, String args, long ppid, String parentBinary, String policy) {
        return new Event("node", T, new ProcessAsset(proc(pid, binary, args), proc(ppid, parentBinary, "--token=s3cret"),
                policy, "CONNECT_DENIED", "DENY", new ProcessAsset.Asset("/models/llama.safetensors", 2051, 131),
                new ProcessAsset.Destination("10.251.61.2", 7302, "TCP", List.of()), 4096, 0));
    }
}

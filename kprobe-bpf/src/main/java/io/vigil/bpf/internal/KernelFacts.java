package io.vigil.bpf.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the running kernel read from sysfs/securityfs, used to explain failures. */
public final class KernelFacts {
    private KernelFacts() {}

    /** The kprobe PMU (CONFIG_KPROBE_EVENTS) that libbpf attaches kprobes through. */
    public static boolean hasKprobePmu() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"));
    }

    /** Legacy kprobes through tracefs (used by libbpf when there is no kprobe PMU). */
    public static boolean hasTracefsKprobeEvents() {
        Path t = Tracefs.mounted();
        return t != null && Files.exists(t.resolve("kprobe_events"));
    }

    /**
     * The active LSMs from /sys/kernel/security/lsm, or null when securityfs is not mounted (then
     * nobody can tell whether "bpf" is among them).
     */
    public static String activeLsms() {
        try {
            return Files.readString(Path.of("/sys/kernel/security/lsm")).trim();
        } catch (IOException e) {
            return null;
        }
    }
}

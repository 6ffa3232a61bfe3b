package io.vigil.agent.policy.events;

import java.util.ArrayList;
import java.util.List;

/**
 * Capability numbers as Tetragon names them: its CapabilitiesType enum and pkg/reader/caps, where
 * capability 1 is "DAC_OVERRIDE" (without CAP_), unlike the kernel's CAP_DAC_OVERRIDE.
 */
final class Capabilities {
    private Capabilities() {}

    private static final String[] NAMES = {"CAP_CHOWN", "DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
        "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
        "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
        "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};

    /** The name of capability {@code cap}, or empty when it has none (Tetragon leaves name unset then). */
    static String name(int cap) {
        return cap >= 0 && cap < NAMES.length ? NAMES[cap] : "";
    }

    /** The names of the bits set, lowest first; bits beyond the last named capability are left out. */
    static List<String> names(long set) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((set & (1L << i)) != 0) {
                out.add(NAMES[i]);
            }
        }
        return out;
    }
}

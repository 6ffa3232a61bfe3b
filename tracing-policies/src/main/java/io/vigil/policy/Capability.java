// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/**
 * A Linux capability as Tetragon names it: the CapabilitiesType enum of api/v1/tetragon/
 * capabilities.proto, whose names Tetragon matches (upper-cased) in matchCapabilities values.
 * {@link #number()} is the bit in the kernel's capability sets (include/uapi/linux/capability.h).
 */
public enum Capability implements Spelled {
    CAP_CHOWN("CAP_CHOWN", 0),
    /** Tetragon's API names this one without the CAP_ prefix, so "CAP_DAC_OVERRIDE" is refused by it. */
    DAC_OVERRIDE("DAC_OVERRIDE", 1),
    CAP_DAC_READ_SEARCH("CAP_DAC_READ_SEARCH", 2),
    CAP_FOWNER("CAP_FOWNER", 3),
    CAP_FSETID("CAP_FSETID", 4),
    CAP_KILL("CAP_KILL", 5),
    CAP_SETGID("CAP_SETGID", 6),
    CAP_SETUID("CAP_SETUID", 7),
    CAP_SETPCAP("CAP_SETPCAP", 8),
    CAP_LINUX_IMMUTABLE("CAP_LINUX_IMMUTABLE", 9),
    CAP_NET_BIND_SERVICE("CAP_NET_BIND_SERVICE", 10),
    CAP_NET_BROADCAST("CAP_NET_BROADCAST", 11),
    CAP_NET_ADMIN("CAP_NET_ADMIN", 12),
    CAP_NET_RAW("CAP_NET_RAW", 13),
    CAP_IPC_LOCK("CAP_IPC_LOCK", 14),
    CAP_IPC_OWNER("CAP_IPC_OWNER", 15),
    CAP_SYS_MODULE("CAP_SYS_MODULE", 16),
    CAP_SYS_RAWIO("CAP_SYS_RAWIO", 17),
    CAP_SYS_CHROOT("CAP_SYS_CHROOT", 18),
    CAP_SYS_PTRACE("CAP_SYS_PTRACE", 19),
    CAP_SYS_PACCT("CAP_SYS_PACCT", 20),
    CAP_SYS_ADMIN("CAP_SYS_ADMIN", 21),
    CAP_SYS_BOOT("CAP_SYS_BOOT", 22),
    CAP_SYS_NICE("CAP_SYS_NICE", 23),
    CAP_SYS_RESOURCE("CAP_SYS_RESOURCE", 24),
    CAP_SYS_TIME("CAP_SYS_TIME", 25),
    CAP_SYS_TTY_CONFIG("CAP_SYS_TTY_CONFIG", 26),
    CAP_MKNOD("CAP_MKNOD", 27),
    CAP_LEASE("CAP_LEASE", 28),
    CAP_AUDIT_WRITE("CAP_AUDIT_WRITE", 29),
    CAP_AUDIT_CONTROL("CAP_AUDIT_CONTROL", 30),
    CAP_SETFCAP("CAP_SETFCAP", 31),
    CAP_MAC_OVERRIDE("CAP_MAC_OVERRIDE", 32),
    CAP_MAC_ADMIN("CAP_MAC_ADMIN", 33),
    CAP_SYSLOG("CAP_SYSLOG", 34),
    CAP_WAKE_ALARM("CAP_WAKE_ALARM", 35),
    CAP_BLOCK_SUSPEND("CAP_BLOCK_SUSPEND", 36),
    CAP_AUDIT_READ("CAP_AUDIT_READ", 37),
    CAP_PERFMON("CAP_PERFMON", 38),
    CAP_BPF("CAP_BPF", 39),
    CAP_CHECKPOINT_RESTORE("CAP_CHECKPOINT_RESTORE", 40);

    private final String spelling;
    private final int number;

    Capability(String spelling, int number) {
        this.spelling = spelling;
        this.number = number;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    /** The capability's bit number. */
    public int number() {
        return number;
    }
}

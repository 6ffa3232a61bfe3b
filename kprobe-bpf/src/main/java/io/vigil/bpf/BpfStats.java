package io.vigil.bpf;

import io.vigil.bpf.internal.LibBpf;
import io.vigil.bpf.internal.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the kernel counts BPF program runs ({@link ProgramRun}), and a way to make it. Counting
 * costs every BPF program on the host two clock reads per run, so it is off by default and the agent
 * does not turn it on unless asked ({@code vigil run --bpf-stats}).
 *
 * <p>Two switches feed the same kernel key: the sysctl {@code kernel.bpf_stats_enabled}, and
 * BPF_ENABLE_STATS, an fd that keeps counting on while it is open. {@link #enable} uses the fd: the
 * kernel undoes it when the agent exits, even killed, and the sysctl another tool may have set is
 * left alone. The sysctl does not show it (it reads back its own last write).
 */
public final class BpfStats implements AutoCloseable {
    static final Path SYSCTL = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    private int fd;

    private BpfStats(int fd) {
        this.fd = fd;
    }

    /** Turns counting on until {@link #close}. Needs CAP_SYS_ADMIN. */
    public static BpfStats enable() throws BpfException {
        int fd = Native.libbpf().bpf_enable_stats(LibBpf.BPF_STATS_RUN_TIME);
        if (fd < 0) {
            throw new BpfException("BPF_ENABLE_STATS (turning on BPF run-time statistics)", Native.errnoOf(fd));
        }
        return new BpfStats(fd);
    }

    /** Whether this handle still keeps counting on. */
    public synchronized boolean isOn() {
        return fd >= 0;
    }

    /** Lets counting stop (unless the sysctl or another process keeps it on). Idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Native.libc().close(fd);
            fd = -1;
        }
    }

    /** kernel.bpf_stats_enabled is 1; false when it is 0 or cannot be read. */
    public static boolean sysctlOn() {
        try {
            return "1".equals(Files.readString(SYSCTL).trim());
        } catch (IOException e) {
            return false;
        }
    }

    /** Sets kernel.bpf_stats_enabled and returns its previous value, for tools that want the sysctl itself. */
    public static String setSysctl(String value) throws IOException {
        String old = Files.readString(SYSCTL).trim();
        Files.writeString(SYSCTL, value);
        return old;
    }
}

package io.vigil.agent.process;

import io.vigil.bpf.wire.ExecveKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Tetragon's exec_id: standard base64 (with padding) of {@code "<node_name>:<ktime>:<pid>"}, ktime
 * being the boot-clock ns of the process's exec or fork. Tetragon pkg/process/process_id_linux.go:
 * {@code base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d:%d", nodeName, ktime, pid)))}.
 *
 * <p>For processes found in /proc at start-up Tetragon uses {@code starttime} (field 22 of
 * /proc/PID/stat, in clock ticks) times 1e9/USER_HZ as ktime (pkg/reader/proc, GetStatsKtime);
 * {@link ProcFsScanner} and the kernel side do the same, so those keys match too. A parent with pid
 * 0 (the kernel, parent of init and kthreadd) is named with ktime 1, as Tetragon's
 * initProcessInternalExec does ({@code GetProcessID(0, 1)}).
 */
public final class ExecIds {
    private final String nodeName;
    private final byte[] prefix;

    public ExecIds(String nodeName) {
        this.nodeName = nodeName;
        this.prefix = (nodeName + ":").getBytes(StandardCharsets.UTF_8);
    }

    public String nodeName() {
        return nodeName;
    }

    /** exec_id of the incarnation {pid, ktime}. pid and ktime are printed unsigned, as Go does. */
    public String of(int pid, long ktime) {
        // "<prefix><ktime>:<pid>" straight into one array: this runs for every exec and fork
        byte[] raw = new byte[prefix.length + 20 + 1 + 10];
        System.arraycopy(prefix, 0, raw, 0, prefix.length);
        int p = prefix.length;
        p = unsignedDigits(ktime, raw, p);
        raw[p++] = ':';
        p = unsignedDigits(Integer.toUnsignedLong(pid), raw, p);
        return new String(Base64.getEncoder().encode(Arrays.copyOf(raw, p)), StandardCharsets.ISO_8859_1);
    }

    private static int unsignedDigits(long v, byte[] out, int p) {
        if (v < 0) { // above Long.MAX_VALUE: rare enough to take the slow way
            byte[] s = Long.toUnsignedString(v).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, out, p, s.length);
            return p + s.length;
        }
        int n = 1;
        for (long x = v / 10; x != 0; x /= 10) {
            n++;
        }
        for (int i = p + n - 1; i >= p; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + n;
    }

    public String of(ExecveKey key) {
        return of(key.pid(), key.ktime());
    }

    /** parent_exec_id for a parent key: as {@link #of(ExecveKey)}, except pid 0 becomes {0, 1}. */
    public String parentOf(ExecveKey parent) {
        return parent.pid() == 0 ? of(0, 1) : of(parent);
    }

    public static String of(String nodeName, long ktime, int pid) {
        return new ExecIds(nodeName).of(pid, ktime);
    }
}

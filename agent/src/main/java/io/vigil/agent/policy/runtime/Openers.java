package io.vigil.agent.policy.runtime;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.wire.Layout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the agent learns about the process behind a fanotify event: its binary and its process-cache key. */
final class Openers {
    private Openers() {}

    /** The exec (or fork) time execve_map holds for the process, which the process cache keys it by; 0 if unknown. */
    static long processKtime(BpfMap execveMap, int tgid) {
        try {
            byte[] v = execveMap.lookup(tgid);
            return v == null ? 0 : ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN)
                    .getLong(Layout.ExecveMapValue.KEY + Layout.ExecveKey.KTIME);
        } catch (BpfException e) {
            return 0;
        }
    }

    /**
     * The opener as /proc and execve_map show the pid now: an opener that has exited is unknown, a
     * process that took its pid is taken for it. For installers without the process model; the
     * agent's is {@link CachedOpeners}.
     */
    static OpenerLookup fromProc(BpfMap execveMap) {
        return (pid, readKtime) -> new OpenerLookup.Opener(binaryOf(pid), processKtime(execveMap, pid));
    }

    /** The opener's binary from /proc; empty when it has exited (then no matchBinaries filter matches). */
    static String binaryOf(int pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}

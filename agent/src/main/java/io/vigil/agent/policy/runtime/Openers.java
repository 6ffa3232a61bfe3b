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

    private static final long SELF = ProcessHandle.current().pid();
    private static final String SELF_EXE = binaryOf((int) SELF);

    /**
     * Whether the process is the agent's child still running the agent's binary: the JVM's spawn of a
     * helper (jspawnhelper), which the agent itself waits for. Reads /proc/PID/stat only then.
     */
    static boolean spawnedBySelf(int pid, String binary) {
        if (SELF_EXE.isEmpty() || !SELF_EXE.equals(binary)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");   // after "pid (comm) ": state ppid ...
            return Long.parseLong(f[1]) == SELF;
        } catch (IOException | RuntimeException e) {
            return false;
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

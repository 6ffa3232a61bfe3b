package io.vigil.agent.process;

import io.vigil.bpf.wire.CloneMsg;
import io.vigil.bpf.wire.ExecFlags;
import io.vigil.bpf.wire.ExecMsg;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.ExitMsg;
import java.time.Instant;
import java.util.List;

/** Records and clocks for the process tests. */
final class Fixtures {
    static final String NODE = "tetragon-dev-control-plane";
    /**
     * Wall minus boot clock, chosen so that the docs' vi process (ktime 16817705012542) starts at
     * the docs' 2024-04-14T02:18:02.240856427Z.
     */
    static final long REAL_MINUS_BOOT_NS = 1_713_044_264_535_843_885L;
    static final KtimeToWall WALL = bootNs -> {
        long wall = bootNs + REAL_MINUS_BOOT_NS;
        return Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L), Math.floorMod(wall, 1_000_000_000L));
    };
    static final int NO_ID = -1; // 4294967295

    /** A settable monotonic clock. */
    static final class FakeClock {
        long now = 1_000_000_000L;

        long get() {
            return now;
        }

        void advance(long nanos) {
            now += nanos;
        }
    }

    private Fixtures() {
    }

    static ExecveKey key(int pid, long ktime) {
        return new ExecveKey(pid, ktime);
    }

    static CloneMsg fork(ExecveKey child, ExecveKey parent) {
        return new CloneMsg(child.ktime(), child, parent, child.pid(), ExecFlags.CLONE);
    }

    static ExecMsg exec(ExecveKey process, ExecveKey parent, String binary, List<String> argv, String cwd) {
        return new ExecMsg(process.ktime(), process, parent, 0, 0, 0, 0, NO_ID, process.pid(), ExecFlags.EXECVE,
                1L, binary, argv, cwd);
    }

    static ExecMsg exec(ExecveKey process, ExecveKey parent, int uid, int auid, String binary, List<String> argv,
                        String cwd) {
        return new ExecMsg(process.ktime(), process, parent, uid, uid, uid, uid, auid, process.pid(),
                ExecFlags.EXECVE, 1L, binary, argv, cwd);
    }

    static ExitMsg exitCode(long ktime, ExecveKey process, int status) {
        return new ExitMsg(ktime, process, process.pid(), status << 8);
    }

    static ExitMsg killed(long ktime, ExecveKey process, int signal) {
        return new ExitMsg(ktime, process, process.pid(), signal);
    }

    static SeedProcess seed(int pid, long ktime, ExecveKey parent, String binary, List<String> argv, String cwd) {
        return new SeedProcess(pid, ktime, parent, binary, argv, cwd, false, 0, 0, 0, 0, NO_ID);
    }
}

package io.vigil.agent.process;

import io.vigil.bpf.wire.ExecveKey;
import java.util.List;

/**
 * A process found running at start-up (from /proc), to seed the cache with.
 *
 * @param pid      its tgid
 * @param ktime    starttime in boot-clock ns, rounded down to clock ticks: the kernel side names
 *                 processes missing from its map by the same rule, so the keys agree
 * @param parent   its parent's pid and ktime; pid 0 for init and kthreadd
 * @param binary   /proc/PID/exe
 * @param argv     /proc/PID/cmdline, argv[0] included
 * @param cwd      /proc/PID/cwd, empty when unreadable
 * @param cwdError the cwd could not be read (flags: rootcwd errorCWD, as Tetragon)
 * @param uid      real uid (/proc/PID/status Uid: 1st)
 * @param euid     effective uid (2nd)
 * @param gid      real gid
 * @param egid     effective gid
 * @param auid     /proc/PID/loginuid (4294967295, i.e. -1, when unset)
 */
public record SeedProcess(int pid, long ktime, ExecveKey parent, String binary, List<String> argv, String cwd,
                          boolean cwdError, int uid, int euid, int gid, int egid, int auid) {
    public SeedProcess {
        argv = List.copyOf(argv);
    }

    public ExecveKey key() {
        return new ExecveKey(pid, ktime);
    }
}

package io.vigil.agent.process;

import io.vigil.bpf.wire.ExecveKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the processes already running from /proc, for {@link Enricher#seedAll}, as Tetragon's
 * procevents does (pkg/sensors/exec/procevents, listRunningProcs): per pid, stat (ppid, flags,
 * starttime), cmdline, exe, cwd, status (Uid/Gid lines) and loginuid.
 *
 * <p>ktime is starttime (stat field 22, in clock ticks since boot) times 10,000,000 ns, USER_HZ
 * being 100 on every Linux ABI Vigil runs on (Tetragon: GetStatsKtime, {@code ktime * (1e9 /
 * clktck)}); the kernel side names a process missing from its map by the same rule, so the keys
 * agree. The parent key is the parent's pid and its own starttime ktime; pid 0 (the kernel) for
 * init and kthreadd.
 *
 * <p>Kernel threads (PF_KTHREAD in stat's flags, or no exe and an empty cmdline) are skipped;
 * Tetragon reports them as "[name]" binaries, Vigil does not track them. Processes that vanish
 * mid-scan are skipped and counted; an unreadable exe falls back to argv[0]; an unreadable cwd
 * gives an empty cwd and the flags "rootcwd errorCWD", as Tetragon's getCWD does.
 */
public final class ProcFsScanner {
    /** ns per clock tick at USER_HZ = 100. */
    public static final long NANOS_PER_TICK = 10_000_000L;
    /** include/linux/sched.h */
    private static final long PF_KTHREAD = 0x00200000L;
    private static final int UNSET_ID = -1; // 4294967295, Tetragon's InvalidUid

    private final Path proc;
    private int lastVanished;
    private List<ExecveKey> lastKernelThreads = List.of();

    public ProcFsScanner() {
        this(Path.of("/proc"));
    }

    public ProcFsScanner(Path procRoot) {
        this.proc = procRoot;
    }

    /** Every user-space process now running. */
    public List<SeedProcess> scan() throws IOException {
        List<SeedProcess> out = new ArrayList<>();
        Map<Integer, Long> ktimes = new HashMap<>();
        List<ExecveKey> kthreads = new ArrayList<>();
        int vanished = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
            for (Path d : dirs) {
                int pid = parsePid(d.getFileName().toString());
                if (pid <= 0) {
                    continue;
                }
                Stat st = stat(pid);
                if (st == null) {
                    vanished++;
                    continue;
                }
                ktimes.put(pid, st.ktime);
                if (st.kernelThread()) {
                    kthreads.add(new ExecveKey(pid, st.ktime));
                    continue;
                }
                SeedProcess p = read(pid, st, ktimes);
                if (p == null) {
                    vanished++;
                    continue;
                }
                if (p.binary().isEmpty()) {
                    kthreads.add(p.key()); // no exe, no cmdline: a kernel thread without the flag, or a zombie
                    continue;
                }
                out.add(p);
            }
        }
        lastVanished = vanished;
        lastKernelThreads = List.copyOf(kthreads);
        return out;
    }

    /** One process, if it is running and not a kernel thread. */
    public Optional<SeedProcess> read(int pid) {
        Stat st = stat(pid);
        if (st == null || st.kernelThread()) {
            return Optional.empty();
        }
        SeedProcess p = read(pid, st, new HashMap<>());
        return p == null || p.binary().isEmpty() ? Optional.empty() : Optional.of(p);
    }

    /** Processes that vanished during the last {@link #scan()}. */
    public int lastVanished() {
        return lastVanished;
    }

    /**
     * Keys of the kernel threads the last {@link #scan()} skipped: give them to
     * {@link Enricher#ignoreKernelThreads} so that their exits are not taken for unknown processes.
     */
    public List<ExecveKey> lastKernelThreads() {
        return lastKernelThreads;
    }

    /** starttime in clock ticks to the key's ktime. */
    public static long ktimeOfTicks(long starttimeTicks) {
        return starttimeTicks * NANOS_PER_TICK;
    }

    private SeedProcess read(int pid, Stat st, Map<Integer, Long> ktimes) {
        Path dir = proc.resolve(Integer.toString(pid));
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(dir.resolve("cmdline"));
        } catch (IOException e) {
            return null;
        }
        List<String> argv = splitCmdline(cmdline);
        String binary = link(dir.resolve("exe"));
        if (binary == null) {
            binary = argv.isEmpty() ? "" : argv.get(0);
        }
        String cwd = link(dir.resolve("cwd"));
        boolean cwdError = cwd == null;
        int[] uids = {UNSET_ID, UNSET_ID};
        int[] gids = {UNSET_ID, UNSET_ID};
        readStatus(dir.resolve("status"), uids, gids);
        int auid = readLoginUid(dir.resolve("loginuid"));
        ExecveKey parent;
        if (st.ppid == 0) {
            parent = new ExecveKey(0, 0);
        } else {
            Long pk = ktimes.get(st.ppid);
            if (pk == null) {
                Stat ps = stat(st.ppid);
                pk = ps == null ? 0L : ps.ktime; // the parent is gone: its key is unknown
                ktimes.put(st.ppid, pk);
            }
            parent = new ExecveKey(st.ppid, pk);
        }
        return new SeedProcess(pid, st.ktime, parent, binary, argv, cwdError ? "" : cwd, cwdError,
                uids[0], uids[1], gids[0], gids[1], auid);
    }

    private record Stat(int ppid, long flags, long ktime) {
        boolean kernelThread() {
            return (flags & PF_KTHREAD) != 0;
        }
    }

    /** Parses /proc/PID/stat; null if the process is gone. comm (field 2) may hold spaces and ')'. */
    private Stat stat(int pid) {
        String s;
        try {
            s = new String(Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve("stat")),
                    StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
        int close = s.lastIndexOf(')');
        if (close < 0 || close + 2 >= s.length()) {
            return null;
        }
        String[] f = s.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state): field n is f[n - 3]
        if (f.length < 20) {
            return null;
        }
        try {
            int ppid = Integer.parseInt(f[4 - 3]);
            long flags = Long.parseUnsignedLong(f[9 - 3]);
            long starttime = Long.parseUnsignedLong(f[22 - 3]);
            return new Stat(ppid, flags, ktimeOfTicks(starttime));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static List<String> splitCmdline(byte[] b) {
        List<String> argv = new ArrayList<>();
        int n = b.length;
        if (n > 0 && b[n - 1] == 0) {
            n--;
        }
        if (n == 0) {
            return argv;
        }
        int start = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || b[i] == 0) {
                argv.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return argv;
    }

    private static String link(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static void readStatus(Path p, int[] uids, int[] gids) {
        List<String> lines;
        try {
            lines = Files.readAllLines(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return;
        }
        for (String line : lines) {
            if (line.startsWith("Uid:")) {
                ids(line, uids);
            } else if (line.startsWith("Gid:")) {
                ids(line, gids);
                return; // Gid follows Uid
            }
        }
    }

    private static void ids(String line, int[] real0eff1) {
        String[] f = line.substring(4).trim().split("\\s+");
        if (f.length >= 2) {
            real0eff1[0] = (int) Long.parseLong(f[0]);
            real0eff1[1] = (int) Long.parseLong(f[1]);
        }
    }

    private static int readLoginUid(Path p) {
        try {
            return (int) Long.parseLong(Files.readString(p, StandardCharsets.ISO_8859_1).trim());
        } catch (IOException | NumberFormatException e) {
            return UNSET_ID;
        }
    }

    private static int parsePid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        long v = Long.parseLong(name);
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }
}

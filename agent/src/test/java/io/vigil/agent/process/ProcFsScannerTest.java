package io.vigil.agent.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.wire.ExecveKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsScannerTest {

    @Test
    void findsThisJvmInTheRealProcWithItsBinaryAndParent() throws Exception {
        ProcFsScanner scanner = new ProcFsScanner();
        int self = (int) ProcessHandle.current().pid();
        int ppid = (int) ProcessHandle.current().parent().orElseThrow().pid();

        List<SeedProcess> all = scanner.scan();
        Map<Integer, SeedProcess> byPid = all.stream().collect(Collectors.toMap(SeedProcess::pid, Function.identity()));
        SeedProcess me = byPid.get(self);
        assertTrue(me != null, "own pid " + self + " in the scan of " + all.size());
        assertTrue(me.binary().endsWith("/java"), me.binary());
        assertFalse(me.argv().isEmpty());
        assertEquals(ppid, me.parent().pid());
        SeedProcess parent = scanner.read(ppid).orElseThrow();
        assertEquals(new ExecveKey(ppid, parent.ktime()), me.parent(), "parent key = its pid and its own ktime");
        assertTrue(parent.ktime() <= me.ktime(), "the parent started first");
        assertEquals(0, me.ktime() % ProcFsScanner.NANOS_PER_TICK, "whole clock ticks");
        double uptimeSeconds = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        assertTrue(me.ktime() > 0 && me.ktime() <= (long) ((uptimeSeconds + 1) * 1e9), "ktime is time since boot");
        assertEquals(System.getProperty("user.dir"), me.cwd());
        System.out.printf("procfs: %d processes, %d kernel threads skipped, %d vanished; self %s%n",
                all.size(), scanner.lastKernelThreads().size(), scanner.lastVanished(), me);
    }

    @Test
    void parsesAFakeProc(@TempDir Path proc) throws Exception {
        process(proc, 1, "systemd", 0, 0, 100, "/usr/lib/systemd/systemd\0--system\0", "/usr/lib/systemd/systemd", "/");
        process(proc, 2, "kthreadd", 0, 0x00200000L, 101, "", null, "/");
        // comm with a space and a closing parenthesis; no cwd link (unreadable)
        process(proc, 50, "we) ird", 1, 0x400000L, 2_500, "weird\0a b\0\0", "/usr/bin/weird", null);
        Files.writeString(proc.resolve("50/loginuid"), "1000");
        Files.writeString(proc.resolve("50/status"), "Name:\tweird\nUid:\t1000\t0\t0\t0\nGid:\t100\t200\t0\t0\n");
        // parent 55 is gone
        process(proc, 60, "orphan", 55, 0, 3_000, "orphan\0", "/bin/orphan", "/tmp");
        Files.createDirectories(proc.resolve("70")); // vanished: no stat
        Files.createSymbolicLink(proc.resolve("self"), proc.resolve("1"));

        ProcFsScanner scanner = new ProcFsScanner(proc);
        Map<Integer, SeedProcess> byPid = scanner.scan().stream()
                .collect(Collectors.toMap(SeedProcess::pid, Function.identity()));
        assertEquals(List.of(1, 50, 60), byPid.keySet().stream().sorted().toList());
        assertEquals(List.of(new ExecveKey(2, 101 * 10_000_000L)), scanner.lastKernelThreads());
        assertEquals(1, scanner.lastVanished());

        SeedProcess init = byPid.get(1);
        assertEquals(new ExecveKey(0, 0), init.parent());
        assertEquals(100 * 10_000_000L, init.ktime());
        assertEquals(List.of("/usr/lib/systemd/systemd", "--system"), init.argv());
        assertEquals(-1, init.auid(), "no loginuid file: unset");

        SeedProcess weird = byPid.get(50);
        assertEquals(new ExecveKey(1, 100 * 10_000_000L), weird.parent());
        assertEquals(2_500 * 10_000_000L, weird.ktime());
        assertEquals("/usr/bin/weird", weird.binary());
        assertEquals(List.of("weird", "a b", ""), weird.argv());
        assertTrue(weird.cwdError());
        assertEquals("", weird.cwd());
        assertEquals(1000, weird.uid());
        assertEquals(0, weird.euid());
        assertEquals(100, weird.gid());
        assertEquals(200, weird.egid());
        assertEquals(1000, weird.auid());

        assertEquals(new ExecveKey(55, 0), byPid.get(60).parent(), "a vanished parent: pid kept, ktime unknown");
        assertEquals(Optional.empty(), scanner.read(2), "kernel thread");
        assertEquals(Optional.empty(), scanner.read(70), "vanished");
    }

    @Test
    void splitsCmdline() {
        assertEquals(List.of(), ProcFsScanner.splitCmdline(new byte[0]));
        assertEquals(List.of("a", "b"), ProcFsScanner.splitCmdline("a\0b\0".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("sshd: u@pts/0"), ProcFsScanner.splitCmdline("sshd: u@pts/0".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a", ""), ProcFsScanner.splitCmdline("a\0\0".getBytes(StandardCharsets.UTF_8)));
    }

    private static void process(Path proc, int pid, String comm, int ppid, long flags, long starttime, String cmdline,
                                String exe, String cwd) throws Exception {
        Path d = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        // fields 3.. : state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
        //              cutime cstime priority nice num_threads itrealvalue starttime vsize rss
        String stat = pid + " (" + comm + ") S " + ppid + " " + pid + " " + pid + " 0 -1 " + flags
                + " 0 0 0 0 0 0 0 0 20 0 1 0 " + starttime + " 1000 10\n";
        Files.writeString(d.resolve("stat"), stat);
        Files.write(d.resolve("cmdline"), cmdline.getBytes(StandardCharsets.UTF_8));
        if (exe != null) {
            Files.createSymbolicLink(d.resolve("exe"), Path.of(exe));
        }
        if (cwd != null) {
            Files.createSymbolicLink(d.resolve("cwd"), Path.of(cwd));
        }
    }
}

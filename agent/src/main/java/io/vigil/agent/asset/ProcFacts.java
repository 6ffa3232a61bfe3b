package io.vigil.agent.asset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the guard reads about a process from /proc, behind an interface for tests. */
public interface ProcFacts {
    /** readlink /proc/pid/exe, empty when the process is gone or a kernel thread. */
    Optional<String> executable(int pid);

    /** The cgroup v2 path ("0::/path" line of /proc/pid/cgroup), "/" when there is none. */
    String cgroup(int pid);

    /** start time of the process in boot-clock ns (stat field 22, in clock ticks), empty when gone. */
    Optional<Long> startBootNanos(int pid);

    ProcFacts SYSTEM = new ProcFacts() {
        @Override
        public Optional<String> executable(int pid) {
            try {
                return Optional.of(Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "exe")).toString());
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
        }

        @Override
        public String cgroup(int pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup"))) {
                    if (line.startsWith("0::")) {
                        return line.substring(3);
                    }
                }
            } catch (IOException e) {
                // gone
            }
            return "/";
        }

        @Override
        public Optional<Long> startBootNanos(int pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
                // comm may hold spaces and parentheses: fields start after the last ')'
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Optional.of(Long.parseLong(f[19]) * 10_000_000L); // field 22; USER_HZ 100
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    };
}

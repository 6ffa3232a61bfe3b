package io.vigil.bench.export;

import io.vigil.bench.BenchSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of this JVM's descendants whose command line names a program: the receivers' own cost. */
final class ChildProcesses {
    private ChildProcesses() {}

    /** utime+stime (ns) summed over the descendants whose /proc cmdline contains {@code needle}; -1 if none. */
    static long cpuNanos(String needle) {
        long sum = -1;
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            if (cmdline(p.pid()).contains(needle)) {
                long t = BenchSupport.procCpuNanos(p.pid());
                if (t >= 0) {
                    sum = Math.max(sum, 0) + t;
                }
            }
        }
        return sum;
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

package io.vigil.agent.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A running process's capability sets from /proc/PID/status (CapInh, CapPrm, CapEff): what the
 * agent writes into the execve_map entries it seeds, as the exec sensor writes them at exec
 * (kprobe-bpf/src/main/bpf/lib/exec_caps.h), so that matchCapabilityChanges has a reference for
 * processes that exec'd before the agent started (Tetragon reads the same file).
 */
public record ProcCaps(long effective, long inheritable, long permitted) {

    /** Empty when the process is gone or the file lacks a set. */
    public static Optional<ProcCaps> read(Path procRoot, int pid) {
        try {
            return parse(Files.readString(procRoot.resolve(Integer.toString(pid)).resolve("status")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<ProcCaps> parse(String status) {
        Long inh = null, prm = null, eff = null;
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            if (key.equals("CapInh") || key.equals("CapPrm") || key.equals("CapEff")) {
                long v = Long.parseUnsignedLong(line.substring(colon + 1).trim(), 16);
                switch (key) {
                    case "CapInh" -> inh = v;
                    case "CapPrm" -> prm = v;
                    default -> eff = v;
                }
            }
        }
        return inh == null || prm == null || eff == null ? Optional.empty() : Optional.of(new ProcCaps(eff, inh, prm));
    }
}

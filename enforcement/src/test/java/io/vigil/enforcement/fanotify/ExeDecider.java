package io.vigil.enforcement.fanotify;

import java.nio.file.Files;
import java.nio.file.Path;

/** Denies the processes whose /proc/PID/exe is one binary; allows every other one. */
final class ExeDecider implements Decider {
    private final Path denied;

    ExeDecider(Path denied) {
        this.denied = denied;
    }

    @Override
    public Decision decide(PermissionRequest r) throws Exception {
        Path exe = Files.readSymbolicLink(Path.of("/proc/" + r.pid() + "/exe"));
        return exe.equals(denied) ? Decision.deny("exe " + exe) : Decision.allow("exe " + exe);
    }
}

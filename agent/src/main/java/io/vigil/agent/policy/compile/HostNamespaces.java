package io.vigil.agent.policy.compile;

import io.vigil.policy.NamespaceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The namespaces matchNamespaces' {@code host_ns} stands for. */
public final class HostNamespaces {
    private HostNamespaces() {}

    /** Inode numbers of this process's namespaces (the agent runs in the host's), for host_ns. */
    public static Map<NamespaceType, Long> ofThisProcess() {
        Map<NamespaceType, Long> m = new LinkedHashMap<>();
        Map<NamespaceType, String> files = Map.of(NamespaceType.UTS, "uts", NamespaceType.IPC, "ipc", NamespaceType.MNT, "mnt",
                NamespaceType.PID, "pid", NamespaceType.PID_FOR_CHILDREN, "pid_for_children", NamespaceType.NET, "net",
                NamespaceType.TIME, "time", NamespaceType.TIME_FOR_CHILDREN, "time_for_children", NamespaceType.CGROUP, "cgroup",
                NamespaceType.USER, "user");
        files.forEach((t, f) -> {
            try {
                String link = Files.readSymbolicLink(Path.of("/proc/self/ns", f)).toString();   // "mnt:[4026531841]"
                m.put(t, Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']'))));
            } catch (IOException | RuntimeException e) {
                // that namespace type is not there: host_ns of it is refused by the compiler
            }
        });
        return m;
    }
}

package io.vigil.agent.policy.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Host facts given as values (tests, and planning for another machine).
 *
 * @param formats   "subsystem/event" -> its format file's text (presence = the tracepoint exists)
 * @param functions kernel functions that can be probed
 * @param bpfLsm    BPF LSM programs load and attach (the LSM hooks are the functions bpf_lsm_HOOK)
 */
public record FixedHostFacts(String arch, Map<String, String> formats, Set<String> functions, boolean bpfLsm)
        implements HostFacts {
    public FixedHostFacts {
        formats = Map.copyOf(formats);
        functions = Set.copyOf(functions);
    }

    /** A host without BPF LSM. */
    public FixedHostFacts(String arch, Map<String, String> formats, Set<String> functions) {
        this(arch, formats, functions, false);
    }

    @Override
    public Optional<String> tracepointFormat(String subsystemEvent) {
        return Optional.ofNullable(formats.get(subsystemEvent));
    }

    @Override
    public boolean functionExists(String name) {
        return functions.contains(name);
    }

    /** Tests plan as for a host without fanotify, so file-open hooks stay on BPF unless a test says otherwise. */
    @Override
    public boolean fanotify() {
        return false;
    }

    /** The syscalls whose syscalls/sys_enter_NAME format is given. */
    @Override
    public List<String> syscalls() {
        return formats.keySet().stream().filter(k -> k.startsWith(SYS_ENTER)).map(k -> k.substring(SYS_ENTER.length()))
                .sorted().toList();
    }

    @Override
    public List<String> ftraceFunctions() {
        return functions.stream().sorted().toList();
    }

    private static final String SYS_ENTER = "syscalls/sys_enter_";

    /** Tests plan as for a cgroup v2 host. */
    @Override
    public Optional<Path> cgroup2Root() {
        return Optional.of(Path.of("/sys/fs/cgroup"));
    }
}

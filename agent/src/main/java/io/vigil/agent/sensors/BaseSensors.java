package io.vigil.agent.sensors;

import io.vigil.bpf.Backend;
import java.util.List;
import java.util.Map;

/** The process sensors every agent runs. Program names are those of kprobe-bpf/src/main/bpf/bpf_*.c. */
public final class BaseSensors {
    /** Maps every base sensor declares and shares with the others (one fd each). */
    public static final List<String> SHARED_MAPS = List.of("events", "vigil_stats", "execve_map", "exec_heap", "path_heap",
            "bin_names", "bin_prefix", "bin_postfix", "bin_follow", "bin_alloc", "bin_seed", // bin_*: lib/binaries.h, lib/execve_map.h; one copy for exec, fork and the policy hooks
            "socktrack"); // lib/socktrack.h: the exec sensor declares it for every policy hook to share

    public static final SensorSpec EXEC = new SensorSpec("exec", "bpf_exec", Map.of(
            Backend.TRACEPOINT, "vigil_exec_tp",
            Backend.KPROBE, "vigil_exec_tp",   // exec has no better kprobe hook than the tracepoint (argv is set late)
            Backend.FENTRY, "vigil_exec_btf"));
    public static final SensorSpec FORK = new SensorSpec("fork", "bpf_fork", Map.of(
            Backend.TRACEPOINT, "vigil_fork_rawtp",
            Backend.KPROBE, "vigil_fork_kprobe",
            Backend.FENTRY, "vigil_fork_fentry"));
    public static final SensorSpec EXIT = new SensorSpec("exit", "bpf_exit", Map.of(
            Backend.TRACEPOINT, "vigil_exit_tp",
            Backend.KPROBE, "vigil_exit_kprobe",
            Backend.FENTRY, "vigil_exit_fentry"));

    /** Load order: exec first, so that its maps are the ones the others reuse. */
    public static final List<SensorSpec> ALL = List.of(EXEC, FORK, EXIT);

    private BaseSensors() {}
}

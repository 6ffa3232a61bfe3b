package io.vigil.agent.policy.plan;

import io.vigil.agent.btf.StructFields;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the planner needs to know about the kernel it plans for: the architecture, which
 * tracepoints exist (with their format files), which kernel functions can be probed, whether BPF
 * LSM programs run. The
 * planner reads nothing else, so it is a pure function of a policy, a backend and these facts.
 * {@link TracefsHostFacts} reads this machine's; tests give fixed ones ({@link FixedHostFacts}).
 */
public interface HostFacts {
    /** "x86_64" or "aarch64" (os.arch's "amd64" and "arm64" are accepted too). */
    String arch();

    /** The tracefs format file of "subsystem/event", if the kernel has that tracepoint. */
    Optional<String> tracepointFormat(String subsystemEvent);

    /** Whether "subsystem/event" exists (events/SUB/EV in tracefs). */
    default boolean tracepointExists(String subsystemEvent) {
        return tracepointFormat(subsystemEvent).isPresent();
    }

    /** Whether a kprobe can be put on this kernel function (/proc/kallsyms, available_filter_functions). */
    boolean functionExists(String name);

    /**
     * Whether BPF LSM programs load and attach here (the feature probe's answer: a kernel built with
     * BPF LSM may still refuse them, as the development kernel does). Each LSM hook HOOK is then the
     * kernel function bpf_lsm_HOOK.
     */
    default boolean bpfLsm() {
        return false;
    }

    /** Whether this kernel has fanotify (CONFIG_FANOTIFY: /proc/sys/fs/fanotify, since 5.13). */
    default boolean fanotify() {
        return Files.isDirectory(Path.of("/proc/sys/fs/fanotify"));
    }

    /** The cgroup v2 hierarchy's root, where cgroup programs attach to see every process; empty when none is mounted. */
    default Optional<Path> cgroup2Root() {
        return Optional.empty();
    }

    /** The syscalls that have tracepoints here (events/syscalls/sys_enter_NAME), sorted: generated_syscalls lists. */
    default List<String> syscalls() {
        return List.of();
    }

    /** The functions of available_filter_functions, sorted and without duplicates: generated_ftrace lists. */
    default List<String> ftraceFunctions() {
        return List.of();
    }

    /** Whether a file (a uprobe's binary) exists on this machine. */
    default boolean fileExists(String path) {
        return Files.exists(Path.of(path));
    }

    /** The kernel's struct layouts, for an argument's resolve path (BTF). */
    default StructFields structFields() {
        return StructFields.none("no kernel BTF is known to the planner");
    }

    /** Tetragon's syscall function prefix: "__x64_sys_" on x86_64, "__arm64_sys_" on arm64. */
    default String syscallPrefix() {
        return switch (arch()) {
            case "amd64", "x86_64" -> "__x64_sys_";
            case "aarch64", "arm64" -> "__arm64_sys_";
            default -> throw new IllegalArgumentException("no syscall wrapper prefix known for arch " + arch());
        };
    }
}

package io.vigil.agent.policy.plan;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.generic.HookImage;
import io.vigil.policy.HookSpec;
import java.util.List;
import java.util.Optional;

/**
 * How one hook of a policy goes into the kernel on the chosen backend: the generic object, its
 * attachments and where each argument is read. The compiler turns it into a HookImage. A hook can
 * have several plans: one per function of a {@code list:} call, one per tracepoint of a mapped
 * function (security_file_permission: read, write ...).
 *
 * @param hook          the policy's hook
 * @param where         its path in the policy, e.g. {@code spec.kprobes[0]}
 * @param object        generic object name ("bpf_generic_tp", "bpf_generic_kprobe")
 * @param attachments   programs to attach
 * @param flags         GenericAbi.HookFlag bits of the placement (SYSCALL_TP, SYSCALL_WRAPPER, RETURN)
 * @param userPointers  pointer arguments are user memory (syscall arguments)
 * @param kernelStructs the backend can read kernel structs (file, path, sock ...) from the arguments
 * @param args          args[] in order
 * @param retCtxOff     tracepoint: offset of ret in sys_exit's record
 * @param kind          the event the hook emits
 * @param functionName  Tetragon's function_name ("__x64_sys_openat", "security_file_open", "file_open")
 * @param subsystem     tracepoints: subsystem; empty otherwise
 * @param event         tracepoints: event; empty otherwise
 * @param implicit      filters added to every selector (a function served by a tracepoint)
 * @param mappedFrom    the function a tracepoint stands for (TracepointEquivalents), if any
 */
public record HookPlan(
        HookSpec hook,
        String where,
        String object,
        List<HookImage.Attachment> attachments,
        int flags,
        boolean userPointers,
        boolean kernelStructs,
        List<ArgPlan> args,
        int retCtxOff,
        HookDescriptor.Kind kind,
        String functionName,
        String subsystem,
        String event,
        List<ImplicitFilter> implicit,
        Optional<String> mappedFrom) {
    public HookPlan {
        attachments = List.copyOf(attachments);
        args = List.copyOf(args);
        implicit = List.copyOf(implicit);
    }
}

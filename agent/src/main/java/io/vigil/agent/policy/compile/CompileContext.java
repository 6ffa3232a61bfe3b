package io.vigil.agent.policy.compile;

import io.vigil.policy.NamespaceType;
import java.util.Map;

/**
 * What the compiler needs from outside the policy; immutable, so a compile that fails takes
 * nothing. The caller advances its state from the {@link CompiledPolicy} it gets back
 * ({@link #after(CompiledPolicy)}).
 *
 * @param firstHookId    the first hook id to give; hooks get consecutive ids from here
 * @param usedBinaryBits matchBinaries bits (of 64) already taken by loaded policies
 * @param hostNamespaces inode numbers of the host's namespaces, for matchNamespaces "host_ns"
 * @param syscalls       syscall numbers, for InMap over a list of syscalls
 */
public record CompileContext(int firstHookId, long usedBinaryBits, Map<NamespaceType, Long> hostNamespaces,
        SyscallTable syscalls) {
    public CompileContext {
        hostNamespaces = Map.copyOf(hostNamespaces);
    }

    /** The context for the next policy: hook ids and matchBinaries bits after those this one took. */
    public CompileContext after(CompiledPolicy compiled) {
        return new CompileContext(compiled.nextHookId(), usedBinaryBits | compiled.binaryBits(), hostNamespaces, syscalls);
    }
}

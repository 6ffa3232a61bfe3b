package io.vigil.agent.policy.compile;

import io.vigil.policy.NamespaceType;
import java.util.Map;

/**
 * What the compiler needs from outside the policy; immutable, so a compile that fails takes
 * nothing. The caller advances its state from the {@link CompiledPolicy} it gets back.
 *
 * @param firstHookId      the first hook id to give; hooks get consecutive ids from here
 * @param usedBinaryBits   matchBinaries bits (of 64) already taken by loaded policies
 * @param hostNamespaces   inode numbers of the host's namespaces, for matchNamespaces "host_ns"
 */
public record CompileContext(int firstHookId, long usedBinaryBits, Map<NamespaceType, Long> hostNamespaces) {
    public CompileContext {
        hostNamespaces = Map.copyOf(hostNamespaces);
    }
}

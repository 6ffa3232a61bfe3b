package io.vigil.agent.policy.compile;

import java.util.List;

/**
 * A policy compiled for the kernel.
 *
 * @param policyName   the policy's qualified name
 * @param hooks        one per hook plan, in order
 * @param binaries     this policy's contribution to the exec sensor's matchBinaries tables
 * @param binaryBits   the matchBinaries bits this policy took (free them when it is unloaded)
 * @param nextHookId   the first hook id not used by this policy
 */
public record CompiledPolicy(String policyName, List<CompiledHook> hooks, BinaryTableSet binaries, long binaryBits,
        int nextHookId) {
    public CompiledPolicy {
        hooks = List.copyOf(hooks);
    }
}

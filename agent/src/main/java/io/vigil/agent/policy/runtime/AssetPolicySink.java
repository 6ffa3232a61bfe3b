package io.vigil.agent.policy.runtime;

import io.vigil.policy.asset.AssetProtectionPolicy;
import java.nio.file.Path;
import java.util.List;

/** Where the AssetProtectionPolicies of a policy file go (the agent's model-theft guard). */
public interface AssetPolicySink {
    /** Puts the file's asset policies in force, replacing what it had; all or nothing. */
    void applyFile(Path file, List<AssetProtectionPolicy> policies) throws PolicyInstallException;

    void removeFile(Path file);

    /** No guard: a file with asset policies is refused. */
    AssetPolicySink NONE = new AssetPolicySink() {
        @Override
        public void applyFile(Path file, List<AssetProtectionPolicy> policies) throws PolicyInstallException {
            if (!policies.isEmpty()) {
                throw new PolicyInstallException("asset policies need the model-theft guard, which this agent does not run");
            }
        }

        @Override
        public void removeFile(Path file) {}
    };
}

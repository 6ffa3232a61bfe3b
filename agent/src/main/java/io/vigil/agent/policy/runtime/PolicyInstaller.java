package io.vigil.agent.policy.runtime;

import io.vigil.policy.PolicyMode;
import io.vigil.policy.TracingPolicy;

/**
 * Puts one policy into the kernel and takes it out. The manager calls it from one thread at a time.
 * {@link #install} is all or nothing: when it throws, nothing of the policy stays loaded.
 */
public interface PolicyInstaller {

    /** A policy in the kernel. */
    interface Installed {
        /** Hooks attached, for listings. */
        int hooks();
    }

    Installed install(TracingPolicy policy, PolicyMode mode) throws PolicyInstallException;

    void uninstall(Installed installed);
}

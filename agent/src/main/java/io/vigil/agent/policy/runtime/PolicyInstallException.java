package io.vigil.agent.policy.runtime;

/** A policy that parsed but cannot run here: the message says why and what would work. */
public final class PolicyInstallException extends Exception {
    public PolicyInstallException(String message) {
        super(message);
    }

    public PolicyInstallException(String message, Throwable cause) {
        super(message, cause);
    }
}

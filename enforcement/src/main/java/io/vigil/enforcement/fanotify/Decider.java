package io.vigil.enforcement.fanotify;

/**
 * Decides one permission request. Called on the guard's decision threads while the opener is
 * blocked in the kernel: return fast, and never open a file the guard marks (the agent's own
 * opens are allowed without asking, so this cannot deadlock, but it would be answered ALLOW).
 * A decider that throws or takes longer than the guard's decision timeout gets the guard's
 * {@link FailurePolicy} answer instead.
 */
@FunctionalInterface
public interface Decider {
    Decision decide(PermissionRequest request) throws Exception;
}

package io.vigil.enforcement.fanotify;

/** How an answer came about. */
public enum Outcome {
    /** The decider's verdict was answered. */
    DECIDED,
    /** Monitor mode: the decider said DENY, ALLOW was answered. */
    WOULD_DENY,
    /** The opener is the agent itself: allowed without asking (no self-deadlock). */
    SELF,
    /** The decider threw, or returned null: the {@link FailurePolicy} answer. */
    DECIDER_FAILED,
    /** The decider did not answer within the decision timeout: the {@link FailurePolicy} answer. */
    DECIDER_TIMEOUT,
    /** The event's file could not be resolved (readlink/fstat failed): the {@link FailurePolicy} answer. */
    UNRESOLVED
}

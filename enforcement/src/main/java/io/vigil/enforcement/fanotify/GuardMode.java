package io.vigil.enforcement.fanotify;

/** Whether a DENY decision is answered DENY, or answered ALLOW and only reported. */
public enum GuardMode {
    ENFORCE,
    /** A DENY from the decider is answered ALLOW and reported as {@link Outcome#WOULD_DENY}. */
    MONITOR
}

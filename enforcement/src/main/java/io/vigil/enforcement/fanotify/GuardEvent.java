package io.vigil.enforcement.fanotify;

/**
 * One answered permission event, for the agent's event stream.
 *
 * @param request  what was asked (path null when {@link Outcome#UNRESOLVED})
 * @param answered what the kernel was told
 * @param outcome  how the answer came about
 * @param reason   the decider's reason, or what went wrong
 * @param nanos    from reading the event to writing the answer
 */
public record GuardEvent(PermissionRequest request, Verdict answered, Outcome outcome, String reason, long nanos) {}

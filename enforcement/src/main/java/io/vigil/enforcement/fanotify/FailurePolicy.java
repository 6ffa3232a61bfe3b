package io.vigil.enforcement.fanotify;

/**
 * The answer when no decision could be had: the decider threw, timed out, or the event's file
 * could not be resolved. The default denies both opens and execs (fail closed): the guard marks
 * only what a policy protects, and the decider sees attacker-chosen input (file names, pids), so
 * failing open would let anyone who can make the decider throw walk past the guard. Choose
 * {@link #FAIL_OPEN} where availability matters more than the protection (e.g. a marked file a
 * login path must read).
 */
public record FailurePolicy(Verdict onOpen, Verdict onExec) {
    public static final FailurePolicy FAIL_CLOSED = new FailurePolicy(Verdict.DENY, Verdict.DENY);
    public static final FailurePolicy FAIL_OPEN = new FailurePolicy(Verdict.ALLOW, Verdict.ALLOW);

    public Verdict verdictFor(boolean exec) {
        return exec ? onExec : onOpen;
    }
}

package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ReturnArgAction;

/**
 * Tetragon's socket tracking (returnArgAction TrackSock/UntrackSock, the TrackSock and UntrackSock
 * actions) keeps a map from a struct sock * to the process that made it, so that a later hook on
 * that sock (often in softirq or another task's context) reports the owner instead of whoever
 * runs. Vigil has no such map yet. Accepting these would report the wrong process without a word,
 * so a policy that asks for them is refused with this reason.
 */
final class SockTracking {
    /** Follows "X is not supported yet: ". */
    static final String REASON = "socket tracking needs a map of tracked socks, which Vigil does not keep yet; events"
            + " on the sock would name the running task, not the sock's owner";

    private SockTracking() {}

    /** returnArgAction TrackSock or UntrackSock on the plan's kprobe (Post is the default and fine). */
    static void refuseReturnAction(HookPlan plan, Problems problems) {
        if (plan.hook() instanceof KprobeSpec k) {
            k.returnArgAction().filter(a -> a != ReturnArgAction.POST)
                    .ifPresent(a -> problems.add(plan.where() + ".returnArgAction", "returnArgAction " + a.spelling()
                            + " is not supported yet: " + REASON));
        }
    }
}

package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.plan.HookPlan;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ReturnArgAction;

/**
 * Tetragon's socket tracking: returnArgAction TrackSock/UntrackSock (this class) and the TrackSock/UntrackSock
 * actions (SelectorEncoder) keep the kernel's socktrack map (kprobe-bpf lib/socktrack.h) from a struct sock *
 * to the process that made it, so that a later hook on that sock reports the owner instead of whoever runs.
 */
final class SockTracking {
    private SockTracking() {}

    /**
     * The gen_config flag of the plan's returnArgAction: TrackSock and UntrackSock need the returned struct sock *
     * of a kernel function (kretprobe or fexit); Post (the default) needs none.
     */
    static int returnFlags(HookPlan plan, Problems problems) {
        if (!(plan.hook() instanceof KprobeSpec k)) {
            return 0;
        }
        ReturnArgAction a = k.returnArgAction().orElse(ReturnArgAction.POST);
        if (a == ReturnArgAction.POST) {
            return 0;
        }
        String where = plan.where() + ".returnArgAction";
        if ((plan.flags() & GenericAbi.HookFlag.RETURN) == 0) {
            problems.add(where, "returnArgAction " + a.spelling() + " needs return: true");
            return 0;
        }
        if (!plan.object().equals(HookPlanner.KPROBE_OBJECT)) {
            problems.add(where, "returnArgAction " + a.spelling() + " needs the struct sock * a kernel function returns"
                    + " (kprobe or fentry backend); this hook runs on " + plan.object() + ", whose syscall tracepoints"
                    + " return no sock");
            return 0;
        }
        return a == ReturnArgAction.TRACK_SOCK ? GenericAbi.HookFlag.TRACK_SOCK : GenericAbi.HookFlag.UNTRACK_SOCK;
    }
}

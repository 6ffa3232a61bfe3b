package io.vigil.exporters.filter;

import io.vigil.api.EventBody;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.ProcessUsdt;
import java.util.function.UnaryOperator;

/** The process and parent of every event type, read and replaced. */
public final class Processes {
    private Processes() {}

    /** The event's parent process, or null when unknown. */
    public static ProcessInfo parent(EventBody b) {
        if (b instanceof ProcessExec x) {
            return x.parent();
        }
        if (b instanceof ProcessExit x) {
            return x.parent();
        }
        if (b instanceof ProcessAsset a) {
            return a.parent();
        }
        return ((PolicyEvent) b).parent();
    }

    /**
     * The same body with {@code f} applied to its process and its parent (when there is one); the
     * body itself when {@code f} changed neither.
     */
    public static EventBody map(EventBody b, UnaryOperator<ProcessInfo> f) {
        ProcessInfo p = b.process();
        ProcessInfo q = parent(b);
        ProcessInfo p2 = f.apply(p);
        ProcessInfo q2 = q == null ? null : f.apply(q);
        if (p2 == p && q2 == q) {
            return b;
        }
        if (b instanceof ProcessExec) {
            return new ProcessExec(p2, q2);
        }
        if (b instanceof ProcessExit x) {
            return new ProcessExit(p2, q2, x.signal(), x.status(), x.time());
        }
        if (b instanceof ProcessKprobe k) {
            return new ProcessKprobe(p2, q2, k.functionName(), k.args(), k.returnArg(), k.action(), k.policyName(),
                    k.returnAction(), k.message(), k.tags());
        }
        if (b instanceof ProcessTracepoint t) {
            return new ProcessTracepoint(p2, q2, t.subsys(), t.event(), t.args(), t.policyName(), t.action(),
                    t.message(), t.tags());
        }
        if (b instanceof ProcessUprobe u) {
            return new ProcessUprobe(p2, q2, u.path(), u.symbol(), u.policyName(), u.message(), u.args(), u.action(),
                    u.tags());
        }
        if (b instanceof ProcessUsdt u) {
            return new ProcessUsdt(p2, q2, u.path(), u.provider(), u.name(), u.policyName(), u.message(), u.args(),
                    u.action(), u.tags());
        }
        if (b instanceof ProcessLsm l) {
            return new ProcessLsm(p2, q2, l.functionName(), l.policyName(), l.message(), l.args(), l.action(), l.tags());
        }
        if (b instanceof ProcessAsset a) {
            return new ProcessAsset(p2, q2, a.policyName(), a.event(), a.action(), a.asset(), a.destination(),
                    a.bytesSent(), a.budget());
        }
        throw new IllegalArgumentException("unknown event body " + b.getClass().getName());
    }
}

package io.vigil.exporters.filter;

import io.vigil.api.Event;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import java.util.HashSet;
import java.util.Set;

/**
 * Tetragon's {@code pid_set} key: matches the listed pids and every process descending from them.
 * Descendants are learned from process_exec events (a child whose parent is in the set joins it)
 * and forgotten after their process_exit (which still matches); the listed pids stay. Like
 * Tetragon's, it only knows descendants it saw exec after the filter was created.
 */
public final class PidSet {
    private static final long NONE = -1;

    private final Set<Long> roots;
    private final Set<Long> descendants = new HashSet<>();
    private long exited = NONE;

    public PidSet(Set<Long> roots) {
        this.roots = Set.copyOf(roots);
    }

    /** Sees every event before any line is matched against it. */
    void observe(Event e) {
        if (exited != NONE) { // the previous event was an exit: it has been matched by now
            descendants.remove(exited);
            exited = NONE;
        }
        if (e.body() instanceof ProcessExec x) {
            long pid = x.process().pid();
            if (x.parent() != null && contains(x.parent().pid()) && !roots.contains(pid)) {
                descendants.add(pid);
            }
        } else if (e.body() instanceof ProcessExit x) {
            exited = x.process().pid();
        }
    }

    public boolean matches(Event e) {
        return contains(e.body().process().pid());
    }

    private boolean contains(long pid) {
        return roots.contains(pid) || descendants.contains(pid);
    }

    /** Descendants currently tracked. */
    public int descendantCount() {
        return descendants.size();
    }
}

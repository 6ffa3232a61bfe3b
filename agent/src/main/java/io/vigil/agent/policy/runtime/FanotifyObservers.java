package io.vigil.agent.policy.runtime;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.enforcement.fanotify.Access;
import io.vigil.enforcement.fanotify.FanotifyException;
import io.vigil.enforcement.fanotify.OpenWatcher;
import io.vigil.policy.HookSpec;
import io.vigil.policy.PolicyMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File-open hooks that only report, observed through fanotify FAN_OPEN notifications on the files
 * and directories their selectors name (ObservationPlanner chose them): the opener does not wait
 * and unrelated opens cost nothing. The marks are the Override placement's (FanotifyHooks.marksFor),
 * so a named file is matched by its inode. One notification group for the agent, started with the
 * first such hook; marks are counted so that two hooks can name the same directory.
 *
 * <p>Each open a hook's selectors post becomes a struct msg_generic on the agent's event path
 * (FileDenyRecords with action Post), so it is enriched and exported like the BPF hook's event. The
 * event is read after the open, when the opener may have exited or its pid been reused: the
 * {@link OpenerLookup} names the opener (the agent's asks the process model, {@link CachedOpeners}).
 */
final class FanotifyObservers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FanotifyObservers.class);

    private final ObservedOpens rules;
    private final Runnable overflowed;
    private final Map<FanotifyHooks.Mark, Integer> marks = new HashMap<>();
    private OpenWatcher watcher;

    /** A hook's marks and rule: {@link #close()} removes both. Post-only hooks act alike in both modes. */
    final class Handle implements AutoCloseable {
        private final ObservedOpens.Rule rule;
        private final List<FanotifyHooks.Mark> marked;
        private final AtomicBoolean monitor;

        private Handle(ObservedOpens.Rule rule, List<FanotifyHooks.Mark> marked, boolean monitor) {
            this.rule = rule;
            this.marked = marked;
            this.monitor = new AtomicBoolean(monitor);
        }

        /** Records the mode for set-mode's bookkeeping; returns the previous one. */
        boolean setMonitor(boolean monitor) {
            return this.monitor.getAndSet(monitor);
        }

        @Override
        public void close() {
            remove(rule, marked);
        }
    }

    /**
     * @param records    the agent's event path (false: full, the record is dropped and counted there)
     * @param openers    the opener of an open read now: its binary (matchBinaries) and process key (exec_id)
     * @param overflowed called for each FAN_Q_OVERFLOW: the kernel dropped opens (counted as a loss)
     */
    FanotifyObservers(Predicate<byte[]> records, OpenerLookup openers, LongSupplier bootNanos, Runnable overflowed) {
        this.rules = new ObservedOpens(records, openers, bootNanos);
        this.overflowed = overflowed;
    }

    /** Marks what the hook names and starts reporting its opens; the handle undoes both. */
    synchronized Handle add(HookDescriptor hook, HookSpec spec, PolicyMode mode) throws FanotifyException, IOException {
        List<FanotifyHooks.Mark> wanted = new ArrayList<>(FanotifyHooks.marksFor(spec, Access.OPEN));
        if (watcher == null) {
            watcher = OpenWatcher.start(rules::opened, overflowed);
        }
        List<FanotifyHooks.Mark> done = new ArrayList<>();
        try {
            for (FanotifyHooks.Mark m : wanted) {
                mark(m);
                done.add(m);
            }
        } catch (FanotifyException | RuntimeException e) {
            done.forEach(this::unmark);
            stopIfIdle();
            throw e;
        }
        ObservedOpens.Rule rule = rules.add(hook, spec, FanotifyHooks.namedInodes(spec));
        log.info("fanotify: {} FAN_OPEN marks observe {} of policy {} (no BPF program)", wanted.size(), hook.functionName(),
                hook.policyName());
        return new Handle(rule, wanted, mode == PolicyMode.MONITOR);
    }

    private synchronized void remove(ObservedOpens.Rule rule, List<FanotifyHooks.Mark> marked) {
        if (rules.remove(rule)) {
            marked.forEach(this::unmark);
        }
        stopIfIdle();
    }

    private void stopIfIdle() {
        if (rules.isEmpty() && watcher != null) {   // no hook left: no group, no thread
            watcher.close();
            watcher = null;
            marks.clear();
        }
    }

    private void mark(FanotifyHooks.Mark m) throws FanotifyException {
        int n = marks.getOrDefault(m, 0);
        if (n == 0) {
            watcher.watch(m.target(), m.path());
        }
        marks.put(m, n + 1);
    }

    private void unmark(FanotifyHooks.Mark m) {
        int n = marks.getOrDefault(m, 0);
        if (n <= 1) {
            marks.remove(m);
            try {
                watcher.unwatch(m.target(), m.path());
            } catch (FanotifyException | RuntimeException e) {
                log.warn("fanotify: removing the FAN_OPEN mark on {} failed: {}", m.path(), e.getMessage());
            }
        } else {
            marks.put(m, n - 1);
        }
    }

    /** FAN_Q_OVERFLOW events so far: each means the kernel dropped opens. */
    synchronized long overflows() {
        return watcher == null ? 0 : watcher.overflows();
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        rules.clear();
        marks.clear();
    }
}

package io.vigil.agent.policy.runtime;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.plan.FanotifySelectors;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.enforcement.fanotify.Access;
import io.vigil.enforcement.fanotify.FanotifyException;
import io.vigil.enforcement.fanotify.OpenWatcher;
import io.vigil.enforcement.fanotify.OpenedFile;
import io.vigil.policy.HookSpec;
import io.vigil.policy.PolicyMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * event is read after the open: the opener may have exited, and then its binary is unknown here.
 */
final class FanotifyObservers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FanotifyObservers.class);

    private final Predicate<byte[]> records;
    private final BpfMap execveMap;
    private final LongSupplier bootNanos;
    private final Runnable overflowed;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<FanotifyHooks.Mark, Integer> marks = new HashMap<>();
    private OpenWatcher watcher;

    private record Rule(HookDescriptor hook, HookSpec spec, int nargs, Map<FanotifyHooks.Inode, String> names) {}

    /** A hook's marks and rule: {@link #close()} removes both. Post-only hooks act alike in both modes. */
    final class Handle implements AutoCloseable {
        private final Rule rule;
        private final List<FanotifyHooks.Mark> marked;
        private final AtomicBoolean monitor;

        private Handle(Rule rule, List<FanotifyHooks.Mark> marked, boolean monitor) {
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
     * @param execveMap  the process sensors' map, for the opener's exec_id
     * @param overflowed called for each FAN_Q_OVERFLOW: the kernel dropped opens (counted as a loss)
     */
    FanotifyObservers(Predicate<byte[]> records, BpfMap execveMap, LongSupplier bootNanos, Runnable overflowed) {
        this.records = records;
        this.execveMap = execveMap;
        this.bootNanos = bootNanos;
        this.overflowed = overflowed;
    }

    /** Marks what the hook names and starts reporting its opens; the handle undoes both. */
    synchronized Handle add(HookDescriptor hook, HookSpec spec, PolicyMode mode) throws FanotifyException, IOException {
        List<FanotifyHooks.Mark> wanted = new ArrayList<>(FanotifyHooks.marksFor(spec, Access.OPEN));
        if (watcher == null) {
            watcher = OpenWatcher.start(this::opened, overflowed);
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
        Rule rule = new Rule(hook, spec, hook.args().size(), FanotifyHooks.namedInodes(spec));
        rules.add(rule);
        log.info("fanotify: {} FAN_OPEN marks observe {} of policy {} (no BPF program)", wanted.size(), hook.functionName(),
                hook.policyName());
        return new Handle(rule, wanted, mode == PolicyMode.MONITOR);
    }

    private synchronized void remove(Rule rule, List<FanotifyHooks.Mark> marked) {
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

    /** On the watcher's thread: every rule whose first matching selector posts gets one record. */
    private void opened(OpenedFile f) {
        String binary = null;
        for (Rule rule : rules) {
            if (binary == null) {
                binary = Openers.binaryOf(f.pid());   // once per open, and only when a rule looks
            }
            String named = rule.names().getOrDefault(new FanotifyHooks.Inode(f.dev(), f.ino()), f.path());
            Optional<FanotifySelectors.Match> m = FanotifySelectors.first(rule.spec().selectors(), named, binary, f.pid());
            if (m.isPresent() && m.get().post()) {
                records.test(FileDenyRecords.encode(bootNanos.getAsLong(), f.pid(), Openers.processKtime(execveMap, f.pid()),
                        rule.hook().hookId(), m.get().selector(), rule.nargs(), GenericAbi.Action.POST, false, f.path()));
            }
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

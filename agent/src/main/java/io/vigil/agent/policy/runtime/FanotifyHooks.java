package io.vigil.agent.policy.runtime;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.plan.FanotifySelectors;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.enforcement.fanotify.Access;
import io.vigil.enforcement.fanotify.Decision;
import io.vigil.enforcement.fanotify.FanotifyException;
import io.vigil.enforcement.fanotify.FanotifyGuard;
import io.vigil.enforcement.fanotify.GuardEvent;
import io.vigil.enforcement.fanotify.MarkTarget;
import io.vigil.enforcement.fanotify.Outcome;
import io.vigil.enforcement.fanotify.PermissionRequest;
import io.vigil.policy.ArgOperator;
import io.vigil.policy.HookSpec;
import io.vigil.policy.PolicyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File open/exec hooks that Override, on this kernel's only deny for files: fanotify permission
 * events on the files and directories the selectors name (FanotifySelectors.named), answered by
 * the agent with the hook's selectors. One fanotify group for the agent, started with the first
 * such hook; marks are counted so that two hooks can name the same directory.
 *
 * <p>Each matched event (unless NoPost) becomes a struct msg_generic on the agent's event path
 * (FileDenyRecords), so it is enriched and exported like the kernel's events. Fail-safe: when the
 * agent dies the kernel drops the group and its marks, and opens are allowed again
 * (enforcement/README.md).
 */
final class FanotifyHooks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FanotifyHooks.class);
    /**
     * How long an opener waits for the policies before the fail-closed answer (EPERM). Longer than the
     * guard's default: a busy agent should answer late rather than deny opens the policies allow.
     * {@code -Dvigil.fanotify.decision.ms} changes it (the emulated VM of the tests is ~15x slower).
     */
    static final Duration DECISION_TIMEOUT = Duration.ofMillis(Long.getLong("vigil.fanotify.decision.ms", 2000));
    /** Directories marked for one Prefix, at most: a prefix over a bigger tree is refused. */
    static final int MAX_DIRECTORIES = 10_000;

    private final Predicate<byte[]> records;
    private final BpfMap execveMap;
    private final LongSupplier bootNanos;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<Mark, Integer> marks = new HashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private FanotifyGuard guard;

    /**
     * @param names the files the hook names with Equal, by (st_dev, st_ino): an open through another
     *              name of the same inode (a hard link, a bind mount) is matched as the named path
     * @param monitor policy-mode monitor; switched in place by set-mode ({@link Handle#setMonitor})
     */
    private record Rule(HookDescriptor hook, HookSpec spec, boolean exec, AtomicBoolean monitor, int nargs, Map<Inode, String> names) {}

    /** A hook's marks and rule: {@link #close()} removes both; the mode switches without touching the marks. */
    final class Handle implements AutoCloseable {
        private final Rule rule;
        private final List<Mark> marked;

        private Handle(Rule rule, List<Mark> marked) {
            this.rule = rule;
            this.marked = marked;
        }

        /** Sets policy-mode monitor for the next decisions; returns the previous setting. */
        boolean setMonitor(boolean monitor) {
            return rule.monitor().getAndSet(monitor);
        }

        @Override
        public void close() {
            remove(rule, marked);
        }
    }

    record Inode(long dev, long ino) {}

    record Mark(MarkTarget target, Path path, Access access) {}

    /**
     * @param records   the agent's event path (false: full, the record is dropped and counted)
     * @param execveMap the process sensors' map, for the opener's exec_id
     */
    FanotifyHooks(Predicate<byte[]> records, BpfMap execveMap, LongSupplier bootNanos) {
        this.records = records;
        this.execveMap = execveMap;
        this.bootNanos = bootNanos;
    }

    /** Observers of Post-only file opens sharing this one's event path, process map and clock. */
    FanotifyObservers observers(Runnable overflowed) {
        return observers(overflowed, Openers.fromProc(execveMap));
    }

    /** Observers of post-only opens, whose openers {@code openers} names. */
    FanotifyObservers observers(Runnable overflowed, OpenerLookup openers) {
        return new FanotifyObservers(records, openers, bootNanos, overflowed);
    }

    /** Marks what the hook names and starts deciding its events; the handle undoes both. */
    synchronized Handle add(HookDescriptor hook, HookSpec spec, String access, PolicyMode mode)
            throws FanotifyException, IOException {
        Access a = "exec".equals(access) ? Access.EXEC : Access.OPEN;
        List<Mark> wanted = new ArrayList<>(marksFor(spec, a));
        if (guard == null) {
            guard = FanotifyGuard.builder(this::decide).listener(this::onAnswered).decisionTimeout(DECISION_TIMEOUT).start();
        }
        List<Mark> done = new ArrayList<>();
        try {
            for (Mark m : wanted) {
                mark(m);
                done.add(m);
            }
        } catch (FanotifyException | RuntimeException e) {
            done.forEach(this::unmark);
            throw e;
        }
        Rule rule = new Rule(hook, spec, a == Access.EXEC, new AtomicBoolean(mode == PolicyMode.MONITOR), hook.args().size(),
                namedInodes(spec));
        rules.add(rule);
        log.info("fanotify: {} marks for {} of policy {}", wanted.size(), hook.functionName(), hook.policyName());
        return new Handle(rule, wanted);
    }

    private synchronized void remove(Rule rule, List<Mark> marked) {
        if (rules.remove(rule)) {
            marked.forEach(this::unmark);
        }
        if (rules.isEmpty() && guard != null) {   // no hook left: no group, no threads
            guard.close();
            guard = null;
        }
    }

    static Map<Inode, String> namedInodes(HookSpec spec) {
        Map<Inode, String> out = new HashMap<>();
        for (String v : FanotifySelectors.named(spec, ArgOperator.EQUAL)) {
            try {
                Path p = Path.of(v);
                if (Files.isRegularFile(p)) {
                    out.putIfAbsent(new Inode(((Number) Files.getAttribute(p, "unix:dev")).longValue(),
                            ((Number) Files.getAttribute(p, "unix:ino")).longValue()), v);
                }
            } catch (IOException | RuntimeException e) {
                // not there yet: matched by its path when created
            }
        }
        return out;
    }

    private void mark(Mark m) throws FanotifyException {
        int n = marks.getOrDefault(m, 0);
        if (n == 0) {
            guard.protect(m.target(), m.path(), Set.of(m.access()));
        }
        marks.put(m, n + 1);
    }

    private void unmark(Mark m) {
        int n = marks.getOrDefault(m, 0);
        if (n <= 1) {
            marks.remove(m);
            try {
                guard.unprotect(m.target(), m.path(), Set.of(m.access()));
            } catch (FanotifyException | RuntimeException e) {
                log.warn("fanotify: removing the mark on {} failed: {}", m.path(), e.getMessage());
            }
        } else {
            marks.put(m, n - 1);
        }
    }

    /**
     * Equal values: the file (its inode), or its directory when it does not exist yet (it is then
     * seen when created). Prefix values: a directory and every directory under it, or the directory
     * of a name prefix. Directories created later under a prefix are not marked (README: gaps).
     */
    static Set<Mark> marksFor(HookSpec spec, Access access) throws IOException {
        Set<Mark> out = new LinkedHashSet<>();
        for (String v : FanotifySelectors.named(spec, ArgOperator.EQUAL)) {
            Path p = Path.of(v);
            if (Files.isRegularFile(p)) {
                out.add(new Mark(MarkTarget.FILE, p, access));
            } else if (p.getParent() != null && Files.isDirectory(p.getParent())) {
                out.add(new Mark(MarkTarget.DIRECTORY, p.getParent(), access));
            }
        }
        for (String v : FanotifySelectors.named(spec, ArgOperator.PREFIX)) {
            Path p = Path.of(v);
            if (v.endsWith("/") || Files.isDirectory(p)) {
                if (!Files.isDirectory(p)) {
                    continue;
                }
                List<Path> dirs;
                try (Stream<Path> walk = Files.walk(p)) {
                    dirs = walk.filter(Files::isDirectory).limit(MAX_DIRECTORIES + 1L).toList();
                }
                if (dirs.size() > MAX_DIRECTORIES) {
                    throw new IOException("Prefix " + v + " covers more than " + MAX_DIRECTORIES
                            + " directories: name a smaller tree (each directory is one fanotify mark)");
                }
                dirs.forEach(d -> out.add(new Mark(MarkTarget.DIRECTORY, d, access)));
            } else if (p.getParent() != null && Files.isDirectory(p.getParent())) {
                out.add(new Mark(MarkTarget.DIRECTORY, p.getParent(), access));
            }
        }
        return out;
    }

    /** Answers the decider did not give (it failed, timed out, the file was unresolved): counted and logged. */
    private void onAnswered(GuardEvent e) {
        if (e.outcome() == Outcome.DECIDED || e.outcome() == Outcome.SELF || e.outcome() == Outcome.WOULD_DENY) {
            return;
        }
        long n = failures.incrementAndGet();
        if (Long.bitCount(n) == 1) {   // 1, 2, 4, 8 ...: a storm does not flood the log
            log.warn("fanotify: {} answers not decided by the policies ({} so far), latest {} for {}: {}", e.answered(), n,
                    e.outcome(), e.request(), e.reason());
        }
    }

    /** Permission events answered by the failure policy rather than by the policies. */
    long failures() {
        return failures.get();
    }

    /** On the guard's decision threads: every rule that applies; any Override in enforce mode denies. */
    private Decision decide(PermissionRequest r) {
        String binary = Openers.binaryOf(r.pid());
        boolean deny = false;
        String reason = "";
        for (Rule rule : rules) {
            if (rule.exec() && !r.exec()) {
                continue;
            }
            String path = rule.names().getOrDefault(new Inode(r.dev(), r.ino()), r.path());
            Optional<FanotifySelectors.Match> m = FanotifySelectors.first(rule.spec().selectors(), path, binary, r.pid());
            if (m.isEmpty()) {
                continue;
            }
            boolean monitor = rule.monitor().get();   // once: the event says what this decision did
            boolean denies = m.get().override() && !monitor;
            if (m.get().post()) {
                post(rule, m.get(), r, r.path(), monitor);   // the name that was used, as the kernel reports it
            }
            if (denies) {
                deny = true;
                reason = rule.hook().policyName();
            }
        }
        return deny ? Decision.deny(reason) : Decision.allow("");
    }

    private void post(Rule rule, FanotifySelectors.Match m, PermissionRequest r, String path, boolean monitor) {
        int actions = m.override() ? GenericAbi.Action.OVERRIDE : GenericAbi.Action.POST;
        byte[] rec = FileDenyRecords.encode(bootNanos.getAsLong(), r.pid(), Openers.processKtime(execveMap, r.pid()), rule.hook().hookId(),
                m.selector(), rule.nargs(), actions, m.override() && monitor, path);
        records.test(rec);   // a full event path counts the drop (raw queue drops in vigil status)
    }

    @Override
    public synchronized void close() {
        if (guard != null) {
            guard.close();
            guard = null;
        }
        rules.clear();
        marks.clear();
    }
}

package io.vigil.agent.policy.runtime;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.plan.FanotifySelectors;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.enforcement.fanotify.OpenedFile;
import io.vigil.policy.HookSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What an observed open becomes: for each post-only hook whose first matching selector posts, one
 * struct msg_generic (FileDenyRecords, action Post) on the agent's event path. The opener's binary
 * (matchBinaries) and process key come from the {@link OpenerLookup}, asked once per open. Rules are
 * added and removed on any thread; {@link #opened} runs on the watcher's.
 */
final class ObservedOpens {
    /** A hook's selectors, and the names its Equal values give to the inodes they marked. */
    record Rule(HookDescriptor hook, HookSpec spec, int nargs, Map<FanotifyHooks.Inode, String> names) {}

    private final Predicate<byte[]> records;
    private final OpenerLookup openers;
    private final LongSupplier bootNanos;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /**
     * @param records   the agent's event path (false: full, the record is dropped and counted there)
     * @param openers   the opener of an open read now
     * @param bootNanos the boot clock, as the sensors stamp records
     */
    ObservedOpens(Predicate<byte[]> records, OpenerLookup openers, LongSupplier bootNanos) {
        this.records = records;
        this.openers = openers;
        this.bootNanos = bootNanos;
    }

    Rule add(HookDescriptor hook, HookSpec spec, Map<FanotifyHooks.Inode, String> names) {
        Rule rule = new Rule(hook, spec, hook.args().size(), names);
        rules.add(rule);
        return rule;
    }

    boolean remove(Rule rule) {
        return rules.remove(rule);
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    void clear() {
        rules.clear();
    }

    /** One open, read now: its records. */
    void opened(OpenedFile f) {
        long readKtime = bootNanos.getAsLong();
        OpenerLookup.Opener opener = null;
        for (Rule rule : rules) {
            if (opener == null) {
                opener = openers.find(f.pid(), readKtime);   // once per open, and only when a rule looks
            }
            String named = rule.names().getOrDefault(new FanotifyHooks.Inode(f.dev(), f.ino()), f.path());
            Optional<FanotifySelectors.Match> m = FanotifySelectors.first(rule.spec().selectors(), named, opener.binary(), f.pid());
            if (m.isPresent() && m.get().post()) {
                records.test(FileDenyRecords.encode(readKtime, f.pid(), opener.processKtime(),
                        rule.hook().hookId(), m.get().selector(), rule.nargs(), GenericAbi.Action.POST, false, f.path()));
            }
        }
    }
}

package io.vigil.agent.asset;

import io.vigil.bpf.wire.AssetAbi;
import io.vigil.bpf.wire.AssetMsg;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.enforcement.asset.datapath.Taint;
import io.vigil.enforcement.fanotify.Decider;
import io.vigil.enforcement.fanotify.Decision;
import io.vigil.enforcement.fanotify.PermissionRequest;
import io.vigil.policy.asset.AssetAction;
import io.vigil.policy.asset.AssetProtectionPolicy;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Answers the opens of protected assets. A reader every protecting policy allows is tainted in
 * the kernel before its open goes through (so no byte is read untainted); any other opener is
 * refused, killed, or only reported, by the strictest of those policies.
 */
final class AssetDecider implements Decider {
    private final Supplier<AssetRules> rules;
    private final ProcFacts proc;
    private final TaintStore taints;
    private final Consumer<AssetMsg> records;
    private final IntConsumer killer;
    private final IntToLongFunction execKtime;
    private final LongSupplier bootNanos;

    AssetDecider(Supplier<AssetRules> rules, ProcFacts proc, TaintStore taints, Consumer<AssetMsg> records,
                 IntConsumer killer, IntToLongFunction execKtime, LongSupplier bootNanos) {
        this.rules = rules;
        this.proc = proc;
        this.taints = taints;
        this.records = records;
        this.killer = killer;
        this.execKtime = execKtime;
        this.bootNanos = bootNanos;
    }

    @Override
    public Decision decide(PermissionRequest r) throws Exception {
        List<Map.Entry<Integer, AssetProtectionPolicy>> protecting = rules.get().protecting(r.path());
        if (protecting.isEmpty()) {
            return Decision.allow("not a protected asset");
        }
        String exe = r.pid() == 0 ? "" : proc.executable(r.pid()).orElse("");
        String cgroup = proc.cgroup(r.pid());
        Map.Entry<Integer, AssetProtectionPolicy> refusing = null;
        for (Map.Entry<Integer, AssetProtectionPolicy> e : protecting) {
            boolean reader = !exe.isEmpty() && e.getValue().readers().stream().anyMatch(x -> x.matches(exe, cgroup));
            if (!reader && (refusing == null || rank(e.getValue().action()) > rank(refusing.getValue().action()))) {
                refusing = e;
            }
        }
        if (refusing == null) {
            taint(r, protecting.get(0));
            return Decision.allow("allowed reader " + exe + ", tainted");
        }
        AssetAction action = refusing.getValue().action();
        int code = code(action);
        if (action == AssetAction.MONITOR) {
            emit(r, refusing.getKey(), AssetAbi.Ev.OPEN_MONITORED, code);
            return Decision.allow("monitor: " + exe + " is not a reader of " + refusing.getValue().name());
        }
        emit(r, refusing.getKey(), AssetAbi.Ev.OPEN_DENIED, code);
        if (action == AssetAction.KILL && r.pid() > 0) {
            killer.accept(r.pid());
            emit(r, refusing.getKey(), AssetAbi.Ev.KILLED, code);
        }
        return Decision.deny((exe.isEmpty() ? "pid " + r.pid() : exe) + " is not a reader of "
                + refusing.getValue().name());
    }

    private void taint(PermissionRequest r, Map.Entry<Integer, AssetProtectionPolicy> by) throws Exception {
        Taint old = taints.get(r.pid());
        if (old != null && !old.exited()) {
            return; // tainted already: the first asset and policy stay
        }
        long start = proc.startBootNanos(r.pid()).orElse(0L);
        taints.put(r.pid(), Taint.of(start, bootNanos.getAsLong(), r.dev(), r.ino(), by.getKey()));
        emit(r, by.getKey(), AssetAbi.Ev.TAINT, code(by.getValue().action()));
    }

    private void emit(PermissionRequest r, int policy, int kind, int action) {
        records.accept(new AssetMsg(bootNanos.getAsLong(), new ExecveKey(r.pid(), execKtime.applyAsLong(r.pid())),
                r.pid(), policy, kind, action, 0, 0, 0, new byte[16], 0, 0, r.dev(), r.ino(), r.path()));
    }

    private static int rank(AssetAction a) {
        return switch (a) {
            case MONITOR -> 0;
            case DENY -> 1;
            case KILL -> 2;
        };
    }

    /** AssetAction -> enum vigil_asset_action (asset_abi.h), mapped by name. */
    static int code(AssetAction a) {
        return switch (a) {
            case MONITOR -> AssetAbi.Action.MONITOR;
            case DENY -> AssetAbi.Action.DENY;
            case KILL -> AssetAbi.Action.KILL;
        };
    }
}

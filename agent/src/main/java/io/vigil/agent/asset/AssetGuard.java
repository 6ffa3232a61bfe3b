package io.vigil.agent.asset;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.agent.policy.runtime.PolicyInstallException;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.FeatureProbe;
import io.vigil.bpf.wire.AssetAbi;
import io.vigil.bpf.wire.AssetMsg;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.Layout;
import io.vigil.enforcement.asset.DnsPacketParser;
import io.vigil.enforcement.asset.LearnedAddresses;
import io.vigil.enforcement.asset.LearnedMap;
import io.vigil.enforcement.asset.datapath.AssetDatapath;
import io.vigil.enforcement.asset.datapath.Taint;
import io.vigil.enforcement.fanotify.Access;
import io.vigil.enforcement.fanotify.FanotifyException;
import io.vigil.enforcement.fanotify.FanotifyGuard;
import io.vigil.policy.asset.AssetProtectionPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model-theft guard of a running agent: AssetProtectionPolicies in, the datapath (taints,
 * allow lists, budgets: {@link AssetDatapath}) and the fanotify marks on the assets kept in step.
 * A change is computed whole (indexes, map entries, marks) before anything is written, so a policy
 * that cannot run changes nothing.
 */
public final class AssetGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AssetGuard.class);
    /** How long the entry of an exited tainted process stays for the sockets it left (TCP gives up in ~15 min). */
    static final long EXITED_KEEP_NANOS = Duration.ofMinutes(20).toNanos();
    static final Duration DECISION_TIMEOUT = Duration.ofMillis(Long.getLong("vigil.fanotify.decision.ms", 2000));

    private final AssetDatapath datapath;
    private final BpfMap execveMap;
    private final Predicate<byte[]> records;
    private final ProcFacts proc;
    private final LongSupplier bootNanos;
    private final Map<Path, List<AssetProtectionPolicy>> byFile = new LinkedHashMap<>();
    private final Map<String, Integer> indexes = new LinkedHashMap<>();
    private final Map<String, String> assetPaths = new ConcurrentHashMap<>();
    private final ScheduledExecutorService maintenance;
    private volatile AssetRules rules = AssetRules.EMPTY;
    private volatile LearnedAddresses learned;
    private AllowEntries allowWritten = AllowEntries.NONE;
    private Set<AssetMarks.Mark> marked = Set.of();
    private FanotifyGuard fanotify;

    AssetGuard(AssetDatapath datapath, BpfMap execveMap, Predicate<byte[]> records, ProcFacts proc,
               LongSupplier bootNanos) {
        this.datapath = datapath;
        this.execveMap = execveMap;
        this.records = records;
        this.proc = proc;
        this.bootNanos = bootNanos;
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-asset-guard");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the datapath next to the sensors (sharing their ring buffer and process table), adopts
     * the taints a previous agent pinned, and starts the periodic maintenance.
     */
    public static AssetGuard start(Map<String, BpfMap> sensorMaps, Predicate<byte[]> records, LongSupplier bootNanos)
            throws BpfException {
        Map<String, BpfMap> shared = new LinkedHashMap<>();
        for (String m : List.of("events", "vigil_stats", "execve_map")) {
            if (sensorMaps.containsKey(m)) {
                shared.put(m, sensorMaps.get(m));
            }
        }
        Path cgroup = FeatureProbe.cgroup2Root();
        if (cgroup == null) {
            throw new BpfException("the model-theft guard needs a cgroup v2 hierarchy to attach to; none is mounted", 0);
        }
        AssetDatapath d = AssetDatapath.load(shared, Path.of(System.getProperty("vigil.asset.pin.dir",
                AssetDatapath.DEFAULT_PIN_DIR.toString())), cgroup);
        AssetGuard g = new AssetGuard(d, sensorMaps.get("execve_map"), records, ProcFacts.SYSTEM, bootNanos);
        g.adoptTaints();
        g.maintenance.scheduleWithFixedDelay(g::maintain, 5, 5, TimeUnit.SECONDS);
        return g;
    }

    // ---- policies

    /** Adds or replaces the asset policies of a file (an empty list removes them). */
    public synchronized void applyFile(Path file, List<AssetProtectionPolicy> policies) throws PolicyInstallException {
        Map<Path, List<AssetProtectionPolicy>> next = new LinkedHashMap<>(byFile);
        if (policies.isEmpty()) {
            next.remove(file);
        } else {
            next.put(file, List.copyOf(policies));
        }
        if (next.equals(byFile)) {
            return;
        }
        install(next);
    }

    public synchronized void removeFile(Path file) {
        if (!byFile.containsKey(file)) {
            return;
        }
        Map<Path, List<AssetProtectionPolicy>> next = new LinkedHashMap<>(byFile);
        next.remove(file);
        try {
            install(next);
        } catch (PolicyInstallException e) {
            log.error("removing the asset policies of {}: {}", file, e.getMessage());
        }
    }

    private void install(Map<Path, List<AssetProtectionPolicy>> next) throws PolicyInstallException {
        AssetPlan plan = AssetPlan.of(next, indexes);
        Set<AssetMarks.Mark> marks = AssetMarks.of(plan.patterns());
        LearnedAddresses nextLearned;
        try {
            nextLearned = plan.nameRules().isEmpty() ? null
                    : new LearnedAddresses(plan.nameRules(), LearnedAddresses.TtlBounds.DEFAULT, bootNanos,
                    learnedMap());
        } catch (IllegalArgumentException e) {
            throw new PolicyInstallException(e.getMessage());
        }
        try {
            // new marks first (a directory that cannot be marked fails here, before the kernel's maps
            // change; until the rules swap below, the old rules answer for them)
            addMarks(marks);
            for (Map.Entry<Integer, AssetProtectionPolicy> e : plan.rules().byIndex().entrySet()) {
                datapath.putPolicy(e.getKey(), plan.config(e.getValue()));
            }
            allowWritten = allowWritten.replaceWith(plan.allow(), datapath);
            clearLearned();
            learned = nextLearned;
            datapath.captureDns(nextLearned != null);
            dropMarks(marks);
            for (Integer old : indexes.values()) {
                if (!plan.indexes().containsValue(old)) {
                    datapath.removePolicy(old);
                }
            }
        } catch (BpfException | FanotifyException e) {
            throw new PolicyInstallException("the model-theft guard cannot apply the asset policies: " + e.getMessage(), e);
        }
        rules = plan.rules();
        indexes.clear();
        indexes.putAll(plan.indexes());
        byFile.clear();
        byFile.putAll(next);
        log.info("asset policies in force: {}", indexes);
    }

    private void remark(Set<AssetMarks.Mark> wanted) throws FanotifyException {
        addMarks(wanted);
        dropMarks(wanted);
    }

    /** Marks what is wanted and not yet marked; what was marked stays. */
    private void addMarks(Set<AssetMarks.Mark> wanted) throws FanotifyException {
        if (!wanted.isEmpty() && fanotify == null) {
            fanotify = FanotifyGuard.builder(new AssetDecider(() -> rules, proc, new TaintStore() {
                @Override
                public Taint get(int tgid) throws Exception {
                    return datapath.taint(tgid);
                }

                @Override
                public void put(int tgid, Taint t) throws Exception {
                    datapath.taint(tgid, t);
                }
            }, this::post, AssetGuard::kill, this::execKtime, bootNanos)).decisionTimeout(DECISION_TIMEOUT).start();
        }
        Set<AssetMarks.Mark> now = new LinkedHashSet<>(marked);
        try {
            for (AssetMarks.Mark m : wanted) {
                if (!now.contains(m)) {
                    fanotify.protect(m.target(), m.path(), Set.of(Access.OPEN));
                    now.add(m);
                }
            }
        } finally {
            marked = now;
        }
    }

    /** Unmarks what is no longer wanted. */
    private void dropMarks(Set<AssetMarks.Mark> wanted) {
        for (AssetMarks.Mark m : marked) {
            if (!wanted.contains(m)) {
                try {
                    fanotify.unprotect(m.target(), m.path(), Set.of(Access.OPEN));
                } catch (FanotifyException e) {
                    log.debug("unmark {}: {}", m, e.toString()); // the directory is gone: so is its mark
                }
            }
        }
        marked = wanted;
    }

    // ---- records and kernel decisions

    private void post(AssetMsg m) {
        if (!m.assetPath().isEmpty()) {
            assetPaths.put(m.assetDev() + ":" + m.assetIno(), m.assetPath());
        }
        records.test(m.encode());
    }

    /**
     * A decision the kernel made. A refused connect or send under Kill is killed by the kernel at the
     * syscall's exit; a budget is crossed in softirq context, where no signal can be sent, so the
     * agent kills that process now.
     */
    public void onKernelDecision(AssetMsg m) {
        boolean violation = m.kind() == AssetAbi.Ev.BUDGET_EXCEEDED;
        if (violation && m.action() == AssetAbi.Action.KILL && kill(m.process().pid())) {
            records.test(new AssetMsg(bootNanos.getAsLong(), m.process(), m.tid(), m.policy(), AssetAbi.Ev.KILLED,
                    m.action(), m.family(), m.protocol(), m.port(), m.address(), m.bytes(), m.budget(), m.assetDev(),
                    m.assetIno(), "").encode());
        }
    }

    /** A DNS answer the datapath copied: the addresses of allowed names become allowed. */
    public void onDns(byte[] packet) {
        LearnedAddresses l = learned;
        if (l != null) {
            DnsPacketParser.parse(packet).ifPresent(a -> {
                synchronized (l) {
                    l.onAnswer(a);
                }
            });
        }
    }

    public String policyName(int index) {
        return rules.name(index);
    }

    /** The path of an asset a decision of this agent named, if it did. */
    public Optional<String> assetPath(long dev, long ino) {
        return Optional.ofNullable(assetPaths.get(dev + ":" + ino));
    }

    static boolean kill(int pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
    }

    private long execKtime(int pid) {
        try {
            byte[] v = execveMap == null ? null : execveMap.lookup(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN).putInt(0, pid).array());
            return v == null ? 0 : ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN)
                    .getLong(Layout.ExecveMapValue.KEY + Layout.ExecveKey.KTIME);
        } catch (BpfException e) {
            return 0;
        }
    }

    // ---- maintenance

    /** Taints pinned by a previous agent: those of processes that ended meanwhile are flagged exited. */
    void adoptTaints() {
        try {
            int kept = 0;
            for (Map.Entry<Integer, Taint> e : datapath.taints().entrySet()) {
                Taint t = e.getValue();
                Optional<Long> start = proc.startBootNanos(e.getKey());
                boolean same = start.isPresent() && (t.startBoottime() == 0
                        || Math.abs(start.get() - t.startBoottime()) < 20_000_000L);
                if (!t.exited() && !same) {
                    datapath.taint(e.getKey(), new Taint(t.startBoottime(), t.taintedAt(), t.assetDev(), t.assetIno(),
                            t.bytes(), t.policy(), t.flags() | AssetAbi.TAINT_EXITED, bootNanos.getAsLong()));
                } else if (!t.exited()) {
                    kept++;
                }
            }
            if (kept > 0) {
                log.info("kept the taint of {} running processes from the previous agent", kept);
            }
        } catch (BpfException e) {
            log.warn("reading the pinned taints: {}", e.getMessage());
        }
    }

    private void maintain() {
        try {
            long now = bootNanos.getAsLong();
            for (Map.Entry<Integer, Taint> e : datapath.taints().entrySet()) {
                if (e.getValue().exited() && now - e.getValue().exitedAt() > EXITED_KEEP_NANOS) {
                    datapath.untaint(e.getKey());
                }
            }
            LearnedAddresses l = learned;
            if (l != null) {
                synchronized (l) {
                    l.expire();
                }
            }
            synchronized (this) {
                if (!byFile.isEmpty()) {
                    remark(AssetMarks.of(AssetPlan.patternsOf(byFile)));
                }
            }
        } catch (Exception e) {
            log.warn("asset guard maintenance: {}", e.toString());
        }
    }

    private LearnedMap learnedMap() {
        BpfMap m = datapath.map("asset_learned");
        return new LearnedMap() {
            @Override
            public void put(byte[] key, byte[] value) {
                try {
                    m.update(key, value);
                } catch (BpfException e) {
                    log.warn("asset_learned: {}", e.getMessage());
                }
            }

            @Override
            public void delete(byte[] key) {
                try {
                    m.delete(key);
                } catch (BpfException e) {
                    log.warn("asset_learned: {}", e.getMessage());
                }
            }
        };
    }

    private void clearLearned() throws BpfException {
        BpfMap m = datapath.map("asset_learned");
        for (byte[] k : m.keys()) {
            m.delete(k);
        }
    }

    // ---- status

    public ObjectNode status() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        ObjectNode p = s.putObject("policies");
        synchronized (this) {
            indexes.forEach(p::put);
            s.put("marks", marked.size());
        }
        s.putPOJO("programs", datapath.attachedPrograms());
        try {
            Map<Integer, Taint> t = datapath.taints();
            s.put("tainted_processes", t.values().stream().filter(x -> !x.exited()).count());
            s.put("exited_tainted_kept", t.values().stream().filter(Taint::exited).count());
        } catch (BpfException e) {
            s.put("taints_error", e.getMessage());
        }
        LearnedAddresses l = learned;
        if (l != null) {
            s.put("learned_addresses", l.size());
            s.put("dns", l.counters().toString());
        }
        if (fanotify != null) {
            s.put("fanotify", fanotify.counters().toString());
        }
        return s;
    }

    @Override
    public synchronized void close() {
        maintenance.shutdownNow();
        if (fanotify != null) {
            fanotify.close();
        }
        datapath.close(); // the pinned taints stay for the next agent
    }
}

package io.vigil.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.agent.pipeline.MsgHandler;
import io.vigil.agent.policy.events.AgentActionRunner;
import io.vigil.agent.policy.events.HookRegistry;
import io.vigil.agent.policy.events.PolicyEventFactory;
import io.vigil.agent.policy.events.PolicyEventStats;
import io.vigil.agent.process.CacheStats;
import io.vigil.agent.process.Enricher;
import io.vigil.agent.process.ProcCaps;
import io.vigil.agent.process.ProcFsScanner;
import io.vigil.agent.process.ProcessCache;
import io.vigil.agent.process.SeedProcess;
import io.vigil.agent.time.BootClock;
import io.vigil.api.Event;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.wire.ExecFlags;
import io.vigil.bpf.wire.Layout;
import io.vigil.bpf.wire.Msg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process model on both sides: the Java cache and enricher, seeded from /proc together with
 * the kernel's execve_map so that both name a running process by the same key. Policy hook records
 * are enriched here too, with the hooks of {@code hooks}.
 */
final class ProcessModel {
    private static final Logger log = LoggerFactory.getLogger(ProcessModel.class);
    /** Cache capacity: far above the live processes of a host; the collector keeps it flat. */
    static final int CACHE_CAPACITY = 131_072;
    /** How long an exited process stays for late events that name it. */
    static final long GRACE_NANOS = 5_000_000_000L;

    private final Enricher enricher;
    private final List<Event> startupEvents;
    /** Set once the model-theft guard runs: its records become process_asset events, its DNS answers go to it. */
    private volatile io.vigil.agent.asset.AssetGuard assetGuard;
    private volatile io.vigil.agent.asset.AssetEventFactory assetEvents;

    private ProcessModel(Enricher enricher, List<Event> startupEvents) {
        this.enricher = enricher;
        this.startupEvents = startupEvents;
    }

    static ProcessModel create(AgentConfig config, BpfMap execveMap, HookRegistry hooks, AgentActionRunner agentActions) {
        BootClock clock = BootClock.system();
        ProcessCache cache = new ProcessCache(CACHE_CAPACITY, GRACE_NANOS, System::nanoTime);
        Enricher enricher = new Enricher(config.nodeName(), clock::toInstant, cache, Enricher.Limits.defaults(),
                new PolicyEventFactory(hooks, agentActions));
        List<Event> startup = new java.util.ArrayList<>();
        if (config.seedProcFs()) {
            List<SeedProcess> seeds;
            try {
                seeds = new ProcFsScanner().scan();
            } catch (IOException e) {
                throw new UncheckedIOException("reading /proc", e);
            }
            List<SeedProcess> kept = seedKernel(execveMap, seeds);
            enricher.seedAll(kept, startup::add);
            log.info("seeded {} running processes from /proc ({} seen by the sensors first, left to them)", kept.size(),
                    seeds.size() - kept.size());
        }
        return new ProcessModel(enricher, startup);
    }

    /**
     * Adds the /proc processes to execve_map unless a sensor already recorded them, and returns the
     * ones to seed the cache with. A process that exec'd (or forked) between the sensors' attach and
     * the end of the scan is in execve_map under its exec's key: its exec record is on its way, so a
     * procFS seed would make a second process_exec with another exec_id. Such a seed is dropped.
     */
    private static List<SeedProcess> seedKernel(BpfMap execveMap, List<SeedProcess> seeds) {
        List<SeedProcess> kept = new java.util.ArrayList<>(seeds.size());
        for (SeedProcess s : seeds) {
            ByteBuffer v = ByteBuffer.allocate(Layout.ExecveMapValue.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
            v.putInt(Layout.ExecveMapValue.KEY + Layout.ExecveKey.PID, s.pid());
            v.putLong(Layout.ExecveMapValue.KEY + Layout.ExecveKey.KTIME, s.ktime());
            v.putInt(Layout.ExecveMapValue.PKEY + Layout.ExecveKey.PID, s.parent().pid());
            v.putLong(Layout.ExecveMapValue.PKEY + Layout.ExecveKey.KTIME, s.parent().ktime());
            v.putInt(Layout.ExecveMapValue.FLAGS, ExecFlags.PROCFS);
            ProcCaps.read(Path.of("/proc"), s.pid()).ifPresent(c -> v
                    .putLong(Layout.ExecveMapValue.CAP_EFFECTIVE, c.effective())
                    .putLong(Layout.ExecveMapValue.CAP_INHERITABLE, c.inheritable())
                    .putLong(Layout.ExecveMapValue.CAP_PERMITTED, c.permitted()));
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, s.pid()).array();
            try {
                execveMap.update(key, v.array(), BpfMap.NOEXIST);
                kept.add(s);
            } catch (BpfException e) {
                if (e.errno() != 17) { // EEXIST: the fork sensor saw it first and knows better
                    log.warn("execve_map: cannot seed pid {}: {}", s.pid(), e.getMessage());
                    kept.add(s);
                } else if (sameIncarnation(execveMap, key, s)) {
                    kept.add(s);
                }
            }
        }
        return kept;
    }

    /** The sensors' entry for the pid names the incarnation /proc showed (same start time). */
    private static boolean sameIncarnation(BpfMap execveMap, byte[] key, SeedProcess s) {
        try {
            byte[] v = execveMap.lookup(key);
            return v != null && ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN)
                    .getLong(Layout.ExecveMapValue.KEY + Layout.ExecveKey.KTIME) == s.ktime();
        } catch (BpfException e) {
            return true;
        }
    }

    /** process_exec events (flag procFS) for the processes found at start-up, as Tetragon emits them. */
    List<Event> startupEvents() {
        return startupEvents;
    }

    MsgHandler handler() {
        return new MsgHandler() {
            @Override
            public void handle(Msg msg, Consumer<Event> out) {
                if (msg instanceof io.vigil.bpf.wire.AssetMsg a) {
                    io.vigil.agent.asset.AssetEventFactory f = assetEvents;
                    if (f != null) {
                        f.onRecord(a, enricher, out);
                    }
                } else if (msg instanceof io.vigil.bpf.wire.DnsMsg d) {
                    io.vigil.agent.asset.AssetGuard g = assetGuard;
                    if (g != null) {
                        g.onDns(d.packet());
                    }
                } else {
                    enricher.onMsg(msg, out);
                }
            }

            @Override
            public void tick(long nowNanos, Consumer<Event> out) {
                enricher.tick(nowNanos, out);
            }
        };
    }

    void assetGuard(io.vigil.agent.asset.AssetGuard g) {
        assetEvents = new io.vigil.agent.asset.AssetEventFactory(g);
        assetGuard = g;
    }

    /** The cache's incarnations by pid, readable from any thread. */
    io.vigil.agent.process.RecentProcesses recent() {
        return enricher.cache().recent();
    }

    CacheStats stats() {
        return enricher.stats();
    }

    void putStats(ObjectNode n) {
        for (Map.Entry<String, Long> e : stats().asMap().entrySet()) {
            n.put(e.getKey(), e.getValue());
        }
    }

    PolicyEventStats policyStats() {
        return enricher.policyStats();
    }

    void putPolicyStats(ObjectNode n) {
        for (Map.Entry<String, Long> e : policyStats().asMap().entrySet()) {
            n.put(e.getKey(), e.getValue());
        }
    }

    /** Events the enricher could not emit: parked records dropped, policy records of unknown hooks or bad arguments. */
    long lostEvents() {
        return stats().droppedEvents() + policyStats().dropped();
    }
}

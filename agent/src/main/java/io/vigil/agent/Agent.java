package io.vigil.agent;

import io.vigil.agent.asset.LazyAssetGuard;
import io.vigil.agent.time.BootClock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.agent.pins.LinkPins;
import io.vigil.agent.pins.PinGroup;
import io.vigil.agent.pipeline.EventProcessor;
import io.vigil.agent.pipeline.MsgHandler;
import io.vigil.agent.pipeline.PipelineStats;
import io.vigil.agent.pipeline.RingBufferReader;
import io.vigil.agent.pipeline.SinkDispatcher;
import io.vigil.agent.policy.events.AgentActionRunner;
import io.vigil.agent.policy.events.HookRegistry;
import io.vigil.agent.policy.runtime.CachedOpeners;
import io.vigil.agent.policy.runtime.OpenerLookup;
import io.vigil.agent.policy.runtime.PolicyControl;
import io.vigil.agent.policy.runtime.PolicyInstaller;
import io.vigil.agent.policy.runtime.PolicyManager;
import io.vigil.agent.sensors.AttachedSensor;
import io.vigil.agent.sensors.BaseSensors;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.agent.sensors.SensorLoader;
import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.bpf.Backend;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.RingBuffer;
import io.vigil.bpf.wire.StatIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: sensors in the kernel, and the pipeline ring buffer → decoder/enricher → sinks
 * on three threads. {@link #close()} detaches the sensors and drains what was already read.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final Backend backend;
    private final String backendSource;
    private final LoadedSensors sensors;
    private final ProcessModel processes;
    private final Optional<PolicyManager> policies;
    private final HookRegistry hooks;
    private final AgentActionRunner agentActions;
    private final PipelineStats stats;
    private final RingBufferReader reader;
    private final EventProcessor processor;
    private final SinkDispatcher dispatcher;
    private final List<Thread> threads = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private boolean closed;
    private LazyAssetGuard assets;
    private LinkPins pins;

    private Agent(AgentConfig config, Backend backend, String backendSource, LoadedSensors sensors,
                  ProcessModel processes, HookRegistry hooks, Optional<PolicyManager> policies,
                  List<EventSink> sinks, AgentActionRunner agentActions, BlockingQueue<byte[]> raw, PipelineStats stats) {
        this.stats = stats;
        this.agentActions = agentActions;
        this.config = config;
        this.hooks = hooks;
        this.policies = policies;
        this.backend = backend;
        this.backendSource = backendSource;
        this.sensors = sensors;
        this.processes = processes;
        BlockingQueue<Event> ready = new ArrayBlockingQueue<>(config.sinkQueueCapacity());
        for (Event e : processes.startupEvents()) {
            if (!ready.offer(e)) {
                stats.sinkQueueDrops.incrementAndGet();
            }
        }
        BpfMap events = sensors.map("events");
        this.reader = new RingBufferReader(h -> RingBuffer.open(events, h), raw, stats, config.pollMillis());
        MsgHandler handler = processes.handler();
        this.processor = new EventProcessor(raw, ready, handler, stats, System::nanoTime, 100_000_000L);
        this.dispatcher = new SinkDispatcher(ready, sinks, stats);
    }

    /** Loads the sensors on the configured (or probed) backend and starts the pipeline; no tracing policies. */
    public static Agent start(AgentConfig config, List<EventSink> sinks) throws BpfException {
        return start(config, sinks, Optional.empty());
    }

    /** As {@link #start(AgentConfig, List)}, and runs tracing policies through the installer the factory makes. */
    public static Agent start(AgentConfig config, List<EventSink> sinks, PolicyInstaller.Factory installers)
            throws BpfException {
        return start(config, sinks, Optional.of(installers));
    }

    private static Agent start(AgentConfig config, List<EventSink> sinks, Optional<PolicyInstaller.Factory> installers)
            throws BpfException {
        Backend backend;
        String source;
        if (config.backend().isPresent()) {
            backend = config.backend().get();
            source = "forced";
        } else {
            long t0 = System.nanoTime();
            backend = io.vigil.bpf.FeatureProbe.run().choose();
            source = String.format(Locale.ROOT, "chosen by the feature probe in %d ms", (System.nanoTime() - t0) / 1_000_000);
        }
        log.info("attach backend: {} ({})", backend.displayName(), source);
        LinkPins pins = LinkPins.open(config.pinRoot(), config.keepSensorsOnExit());
        LoadedSensors sensors = new SensorLoader(BaseSensors.SHARED_MAPS).load(BaseSensors.ALL, backend);
        Agent agent = null;
        PinGroup basePins = pins.group("base-sensors");
        try {
            sensors.pin(basePins);
            HookRegistry hooks = new HookRegistry();
            AgentActionRunner agentActions = new AgentActionRunner();
            ProcessModel processes = ProcessModel.create(config, sensors.map("execve_map"), hooks, agentActions);
            PipelineStats stats = new PipelineStats();
            BlockingQueue<byte[]> raw = new ArrayBlockingQueue<>(config.rawQueueCapacity());
            // records made in user space (fanotify decisions) join the ring buffer's on the decode queue
            Predicate<byte[]> records = r -> {
                if (raw.offer(r)) {
                    return true;
                }
                stats.rawQueueDrops.incrementAndGet();
                return false;
            };
            // observed opens are read after the fact: their openers come from the process model
            OpenerLookup openers = new CachedOpeners(processes.recent(), sensors.map("execve_map"));
            Optional<PolicyManager> policies = installers.map(f -> new PolicyManager(f.create(backend, sensors, hooks, records, pins,
                    stats.fanotifyOverflows::incrementAndGet, openers)));
            LazyAssetGuard assets = new LazyAssetGuard(sensors.sharedMaps(), records, BootClock::bootNanosNow,
                    processes::assetGuard);
            policies.ifPresent(pm -> pm.assetPolicies(assets));
            agent = new Agent(config, backend, source, sensors, processes, hooks, policies, sinks, agentActions, raw, stats);
            agent.assets = assets;
            agent.pins = pins;
            agent.startThreads();
            return agent;
        } catch (BpfException | RuntimeException e) {
            basePins.release();
            sensors.close();
            throw e;
        }
    }

    private void startThreads() {
        threads.add(thread(dispatcher, "vigil-sinks"));
        threads.add(thread(processor, "vigil-enricher"));
        threads.add(thread(reader, "vigil-ringbuf"));
        threads.forEach(Thread::start);
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public Backend backend() {
        return backend;
    }

    /** The running tracing policies; empty when the agent was started without an installer. */
    public Optional<PolicyManager> policies() {
        return policies;
    }

    public PipelineStats pipelineStats() {
        return stats;
    }

    /**
     * The policy hooks the enricher knows, by hook id: register a hook's descriptor before its
     * program is attached, unregister it after the program is detached. Thread-safe.
     */
    public HookRegistry hooks() {
        return hooks;
    }

    /**
     * Unpins the links an earlier agent left under the pin root (it was killed, or stopped with
     * --keep-sensors-on-exit): call once this agent's sensors and policies are attached, so that
     * enforcement has no gap.
     */
    public void releasePreviousPins() {
        pins.releasePrevious();
    }

    /** Sum over CPUs of one kernel counter. */
    public long kernelCounter(StatIndex idx) {
        return sensors.map("vigil_stats").sumPerCpu(idx.index());
    }

    /** The status report `vigil status` prints. */
    public ObjectNode status() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode s = m.createObjectNode();
        s.put("pid", ProcessHandle.current().pid());
        s.put("node_name", config.nodeName());
        s.put("uptime_seconds", (System.nanoTime() - startedNanos) / 1_000_000_000L);
        s.put("backend", backend.displayName());
        s.put("backend_source", backendSource);
        ArrayNode list = s.putArray("sensors");
        for (AttachedSensor a : sensors.attached()) {
            ObjectNode n = list.addObject();
            n.put("sensor", a.sensor());
            n.put("program", a.program());
            n.put("backend", a.backend().displayName());
            n.put("fallback", a.fallbackReason());
        }
        ObjectNode k = s.putObject("kernel");
        long kernelLost = 0;
        for (StatIndex idx : StatIndex.values()) {
            long v = kernelCounter(idx);
            k.put(idx.name().toLowerCase(Locale.ROOT), v);
            if (idx == StatIndex.RINGBUF_FULL) {
                kernelLost = v;
            }
        }
        ObjectNode p = s.putObject("pipeline");
        p.put("received", stats.received.get());
        p.put("raw_queue_drops", stats.rawQueueDrops.get());
        p.put("fanotify_overflows", stats.fanotifyOverflows.get());
        p.put("malformed", stats.malformed.get());
        p.put("decoded", stats.decoded.get());
        p.put("sink_queue_drops", stats.sinkQueueDrops.get());
        p.put("emitted", stats.emitted.get());
        p.put("sink_errors", stats.sinkErrors.get());
        processes.putStats(s.putObject("cache"));
        processes.putPolicyStats(s.putObject("policy_events"));
        agentActions.putStats(s.putObject("agent_actions"));
        s.put("lost_total", kernelLost + stats.lost() + processes.lostEvents());
        policies.ifPresent(pm -> s.set("policies", PolicyControl.list(pm)));
        pins.putStatus(s.putObject("pins"));
        if (assets != null) {
            assets.guard().ifPresent(g -> s.set("asset_guard", g.status()));
        }
        return s;
    }

    /**
     * Stops reading, drains what was read through the sinks, detaches the sensors and policies;
     * with --keep-sensors-on-exit their pinned links stay attached (fanotify hooks do stop). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pins.agentExiting();   // with --keep-sensors-on-exit: closing below leaves the pinned links attached
        policies.ifPresent(PolicyManager::close); // their hooks write to the ring buffer drained below
        if (assets != null) {
            assets.close();
        }
        reader.stop();
        join(threads.get(2));
        processor.stop();
        join(threads.get(1));
        dispatcher.stop();
        join(threads.get(0));
        sensors.close();
        agentActions.close();
        log.info("agent stopped");
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.vigil.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.control.ControlServer;
import io.vigil.agent.metrics.BpfProgramMetrics;
import io.vigil.agent.metrics.EventCounters;
import io.vigil.agent.metrics.StatusMetrics;
import io.vigil.agent.output.Outputs;
import io.vigil.agent.pins.PinRoot;
import io.vigil.agent.policy.runtime.KernelPolicyInstaller;
import io.vigil.agent.policy.runtime.PolicyControl;
import io.vigil.agent.policy.runtime.PolicyDirectory;
import io.vigil.agent.policy.runtime.PolicyInstaller;
import io.vigil.agent.policy.runtime.PolicyManager;
import io.vigil.api.EventSink;
import io.vigil.bpf.Backend;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfStats;
import io.vigil.bpf.ProgramStats;
import io.vigil.exporters.file.FileExportOptions;
import io.vigil.exporters.file.JsonFileExporter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the agent: load the sensors and the tracing policies, print events, export them to a JSON file.",
                "Policies: every *.yaml/*.yml in --policy-dir at start, then the directory is watched: added, changed "
                        + "and deleted files take effect without a restart; a broken file is rejected (logged as "
                        + "file:line:column) and its previous version keeps running. `vigil policy add` loads files "
                        + "from elsewhere into the running agent only: they are not written into --policy-dir and do "
                        + "not survive a restart."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /** How long a policy file must stay unchanged before it is applied: an editor's save is several writes. */
    private static final long POLICY_SETTLE_NANOS = 300_000_000L;

    /**
     * Installs tracing policies in the kernel (compile, load, attach): the one place the kernel side
     * is wired. Empty in a build without policy support: the agent runs the process sensors only.
     */
    static final Optional<PolicyInstaller.Factory> POLICY_INSTALLERS = Optional.of(KernelPolicyInstaller.FACTORY);

    @Spec
    CommandSpec spec;

    enum Format { json, compact, none }

    enum BackendChoice { auto, tracepoint, kprobe, fentry }

    @Option(names = {"-o", "--output"}, description = "stdout format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Format output = Format.compact;

    @Option(names = "--export-file", paramLabel = "FILE", description = "append events as JSON lines to this file (default: ${DEFAULT-VALUE}; 'none' to disable)")
    String exportFilePath = "/var/log/vigil/events.json";

    @Mixin
    ExportFileFlags exportFlags = new ExportFileFlags();

    @Mixin
    RemoteExportFlags remoteFlags = new RemoteExportFlags();

    @Option(names = "--backend", description = "attach backend: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: the feature probe decides)")
    BackendChoice backend = BackendChoice.auto;

    @Option(names = "--socket", description = "control socket (default: ${DEFAULT-VALUE})")
    Path socket = Path.of(VigilCli.DEFAULT_SOCKET);

    @Option(names = "--policy-dir", paramLabel = "DIR", defaultValue = "/etc/vigil/tracing-policies",
            description = "tracing policies to load and watch (default: ${DEFAULT-VALUE}, where bin/setup installs "
                    + "the shipped library; 'none' to watch nothing). A missing default directory is skipped; a "
                    + "missing DIR given here is an error. Files and directories a non-root user can write are refused.")
    String policyDir;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT",
            description = "serve Prometheus metrics (vigil_*) at http://HOST:PORT/metrics; off by default. Use 127.0.0.1:PORT to keep them on loopback")
    String metricsAddress;

    @Option(names = "--bpf-stats",
            description = "have the kernel count the runs and run time of BPF programs while the agent runs "
                    + "(vigil_bpf_program_* metrics). Off by default: it costs every BPF program on the host two "
                    + "clock reads per run. Without it the counters move only if kernel.bpf_stats_enabled is 1")
    boolean bpfStats;

    @Option(names = "--keep-sensors-on-exit",
            description = "pin every BPF link (base sensors, policy hooks, cgroup Override) under --pin-root so that "
                    + "in-kernel enforcement (Sigkill, Signal, connect/sendmsg Override) stays when the agent is killed, "
                    + "crashes or stops, as Tetragon's flag of that name. Off by default: the kernel then detaches "
                    + "everything when the agent exits. fanotify hooks cannot be pinned. A starting agent replaces "
                    + "what an earlier one pinned; `vigil cleanup` releases it when no agent will run again")
    boolean keepSensorsOnExit;

    @Option(names = "--pin-root", paramLabel = "DIR",
            description = "bpffs directory for those pins, and where a starting agent looks for an earlier one's (default: ${DEFAULT-VALUE})")
    Path pinRoot = AgentConfig.DEFAULT_PIN_ROOT;

    @Option(names = "--node-name", description = "node_name of the events (default: the hostname)")
    String nodeName;

    @Option(names = "--log-format", description = "the agent's own logs on stderr: json or text (default: ${DEFAULT-VALUE})")
    String logFormat = "json";

    @Option(names = "--log-level", description = "log level (default: ${DEFAULT-VALUE})")
    String logLevel = "info";

    private static final com.fasterxml.jackson.databind.ObjectMapper STATUS_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public Integer call() throws Exception {
        if (!"json".equals(logFormat) && !"text".equals(logFormat)) {
            System.err.println("vigil run: --log-format must be json or text, not '" + logFormat + "'");
            return 2;
        }
        // before anything opens or loads: a wrong --policy-dir is a usage error
        Optional<Path> dir = policyDirectory();
        if (dir.isPresent() && POLICY_INSTALLERS.isEmpty() && explicit("--policy-dir")) {
            System.err.println("vigil run: this build cannot install tracing policies yet; drop --policy-dir");
            return 2;
        }
        FileExportOptions exportOptions;
        try {
            exportOptions = exportFlags.parse();
            remoteFlags.validate();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("vigil run: " + e.getMessage());
            return 2;
        }
        Optional<String> unpinnable = keepSensorsOnExit ? new PinRoot(pinRoot).notPinnable() : Optional.empty();
        if (unpinnable.isPresent()) {
            System.err.println("vigil run: --keep-sensors-on-exit: " + unpinnable.get());
            return 2;
        }
        AgentConfig config = AgentConfig.defaults()
                .withBackend(backend == BackendChoice.auto ? Optional.empty()
                        : Optional.of(Backend.valueOf(backend.name().toUpperCase(Locale.ROOT))));
        if (nodeName != null) {
            config = config.withNodeName(nodeName);
        }
        config = config.withPins(keepSensorsOnExit, pinRoot);
        List<EventSink> sinks = new ArrayList<>();
        Optional<JsonFileExporter> exportFile = Optional.empty();
        switch (output) {
            case json: sinks.add(Outputs.stdoutJson()); break;
            case compact: sinks.add(Outputs.compact()); break;
            default: break;
        }
        if (!"none".equals(exportFilePath)) {
            Path file = Path.of(exportFilePath);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            JsonFileExporter exporter = Outputs.jsonFile(file, exportOptions);
            sinks.add(exporter);
            exportFile = Optional.of(exporter);
            log.info("exporting events to {}", file);
        }
        Optional<InetSocketAddress> metricsAt;
        try {
            metricsAt = metricsAddress == null ? Optional.empty() : Optional.of(hostPort(metricsAddress));
        } catch (IllegalArgumentException e) {
            System.err.println("vigil run: --metrics-address " + metricsAddress + ": " + e.getMessage());
            return 2;
        }
        EventCounters counters = new EventCounters();
        if (metricsAt.isPresent()) {
            sinks.add(counters);
        }
        Optional<BpfStats> counting = Optional.empty();
        if (bpfStats) {
            try {
                counting = Optional.of(BpfStats.enable()); // before the sensors load: their first runs count
            } catch (BpfException e) {
                System.err.println("vigil run: --bpf-stats: " + e.getMessage());
                return 1;
            }
        }
        Optional<BpfStats> bpfCounting = counting;
        List<RemoteExportFlags.Started> remotes = remoteFlags.start();
        sinks.addAll(0, RemoteExportFlags.withLossAlerts(remotes, sinks, config.nodeName()));
        ControlServer control = new ControlServer(socket);
        Agent agent = POLICY_INSTALLERS.isPresent() ? Agent.start(config, sinks, POLICY_INSTALLERS.get())
                : Agent.start(config, sinks);
        Optional<PolicyDirectory> watched = Optional.empty();
        if (agent.policies().isPresent()) {
            PolicyManager manager = agent.policies().get();
            PolicyControl.register(control, manager);
            if (dir.isPresent()) {
                watched = Optional.of(watch(dir.get(), manager));
            }
        } else {
            String why = "this agent runs without tracing policies: no policy installer is wired into this build";
            log.warn("{}; {} is not loaded", why, dir.map(Path::toString).orElse("no policy directory"));
            PolicyControl.registerUnavailable(control, why);
        }
        agent.releasePreviousPins();   // after the policy directory is in: no gap in enforcement
        Optional<PolicyDirectory> policyDirectory = watched;
        Optional<JsonFileExporter> exporterForStatus = exportFile;
        Supplier<ObjectNode> status = () -> {
            ObjectNode s = agent.status();
            policyDirectory.ifPresent(d -> s.withObjectProperty("policies").put("directory", d.dir().toString()));
            exporterForStatus.ifPresent(x -> {
                ObjectNode f = s.putObject("export_file");
                f.put("path", x.path().toString());
                x.stats().snapshot().forEach(f::put);
            });
            if (!remotes.isEmpty()) {
                ObjectNode ex = s.putObject("exporters");
                remotes.forEach(r -> ex.set(r.name(), STATUS_JSON.valueToTree(r.exporter().stats())));
            }
            return s;
        };
        control.register("status", req -> status.get()).start();
        Optional<HTTPServer> metrics = Optional.empty();
        if (metricsAt.isPresent()) {
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(new StatusMetrics(status::get, counters));
            registry.register(new BpfProgramMetrics(ProgramStats::ofThisProcess,
                    () -> BpfStats.sysctlOn() || bpfCounting.map(BpfStats::isOn).orElse(false)));
            metrics = Optional.of(HTTPServer.builder().inetAddress(metricsAt.get().getAddress()).port(metricsAt.get().getPort())
                    .registry(registry).buildAndStart());
            log.info("Prometheus metrics at http://{}:{}/metrics", metricsAt.get().getHostString(), metrics.get().getPort());
        }
        Optional<HTTPServer> metricsServer = metrics;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            policyDirectory.ifPresent(d -> {
                try {
                    d.close();
                } catch (IOException e) {
                    log.warn("closing the policy directory watch: {}", e.toString());
                }
            });
            metricsServer.ifPresent(HTTPServer::close);
            agent.close();
            bpfCounting.ifPresent(BpfStats::close);
            try {
                control.close();
            } catch (Exception e) {
                log.warn("closing the control socket: {}", e.toString());
            }
            stopped.countDown();
        }, "vigil-shutdown"));
        log.info("agent running; stop with Ctrl-C or SIGTERM");
        stopped.await();
        return 0;
    }

    /** "HOST:PORT", "[v6]:PORT" or ":PORT" (every address). */
    static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("write HOST:PORT, e.g. 127.0.0.1:9567");
        }
        String host = s.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port must be a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be 0..65535");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** The directory to watch; empty for 'none' and for a default directory that does not exist. */
    private Optional<Path> policyDirectory() {
        if ("none".equals(policyDir)) {
            return Optional.empty();
        }
        Path dir = Path.of(policyDir);
        if (Files.isDirectory(dir)) {
            return Optional.of(dir);
        }
        if (explicit("--policy-dir")) {
            throw new ParameterException(spec.commandLine(), "--policy-dir " + dir + ": no such directory");
        }
        log.info("no policy directory at {}; policies come only from `vigil policy add`", dir);
        return Optional.empty();
    }

    private boolean explicit(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private static PolicyDirectory watch(Path dir, PolicyManager manager) throws IOException {
        PolicyDirectory d = new PolicyDirectory(dir, manager, System::nanoTime, POLICY_SETTLE_NANOS);
        Map<Path, List<String>> rejected = d.loadAll();
        long running = manager.list().stream().filter(s -> s.state() != PolicyManager.State.FAILED).count();
        log.info("policy directory {}: {} policies running, {} files rejected", d.dir(), running, rejected.size());
        d.start();
        return d;
    }
}

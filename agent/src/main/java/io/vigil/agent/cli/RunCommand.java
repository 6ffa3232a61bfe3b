package io.vigil.agent.cli;

import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.control.ControlServer;
import io.vigil.agent.output.Outputs;
import io.vigil.api.EventSink;
import io.vigil.bpf.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the agent: load the sensors, print events, export them to a JSON file.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    enum Format { json, compact, none }

    enum BackendChoice { auto, tracepoint, kprobe, fentry }

    @Option(names = {"-o", "--output"}, description = "stdout format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Format output = Format.compact;

    @Option(names = "--export-file", description = "append events as JSON lines to this file (default: ${DEFAULT-VALUE}; 'none' to disable)")
    String exportFile = "/var/log/vigil/events.json";

    @Option(names = "--backend", description = "attach backend: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: the feature probe decides)")
    BackendChoice backend = BackendChoice.auto;

    @Option(names = "--socket", description = "control socket (default: ${DEFAULT-VALUE})")
    Path socket = Path.of(VigilCli.DEFAULT_SOCKET);

    @Option(names = "--node-name", description = "node_name of the events (default: the hostname)")
    String nodeName;

    @Option(names = "--log-format", description = "the agent's own logs on stderr: json or text (default: ${DEFAULT-VALUE})")
    String logFormat = "json";

    @Option(names = "--log-level", description = "log level (default: ${DEFAULT-VALUE})")
    String logLevel = "info";

    @Override
    public Integer call() throws Exception {
        if (!"json".equals(logFormat) && !"text".equals(logFormat)) {
            System.err.println("vigil run: --log-format must be json or text, not '" + logFormat + "'");
            return 2;
        }
        AgentConfig config = AgentConfig.defaults()
                .withBackend(backend == BackendChoice.auto ? Optional.empty()
                        : Optional.of(Backend.valueOf(backend.name().toUpperCase(Locale.ROOT))));
        if (nodeName != null) {
            config = config.withNodeName(nodeName);
        }
        List<EventSink> sinks = new ArrayList<>();
        switch (output) {
            case json: sinks.add(Outputs.stdoutJson()); break;
            case compact: sinks.add(Outputs.compact()); break;
            default: break;
        }
        if (!"none".equals(exportFile)) {
            Path file = Path.of(exportFile);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            sinks.add(Outputs.jsonFile(file));
            log.info("exporting events to {}", file);
        }
        ControlServer control = new ControlServer(socket);
        Agent agent = Agent.start(config, sinks);
        control.register("status", req -> agent.status()).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
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
}

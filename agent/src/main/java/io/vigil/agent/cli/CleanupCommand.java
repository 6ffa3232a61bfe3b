package io.vigil.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.control.ControlClient;
import io.vigil.agent.pins.PinRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Release the BPF links an agent run with --keep-sensors-on-exit left pinned: its sensors and "
                + "in-kernel enforcement (Sigkill, cgroup Override) stop. For an agent that is gone for good; an agent "
                + "that starts again replaces the pins itself.",
                "Refuses while an agent answers on --socket: its pins are the ones that keep it fail-safe."})
public final class CleanupCommand implements Callable<Integer> {
    @Option(names = "--pin-root", paramLabel = "DIR", description = "where the agent pinned its links (default: ${DEFAULT-VALUE})")
    Path pinRoot = AgentConfig.DEFAULT_PIN_ROOT;

    @Option(names = "--socket", description = "control socket of a running agent (default: ${DEFAULT-VALUE})")
    Path socket = Path.of(VigilCli.DEFAULT_SOCKET);

    @Override
    public Integer call() {
        try {
            JsonNode s = ControlClient.call(socket, new ObjectMapper().createObjectNode().put("cmd", "status"));
            System.err.println("vigil cleanup: an agent is running (pid " + s.path("pid").asLong() + ", " + socket
                    + "); stop it first");
            return 1;
        } catch (IOException e) {
            // nothing answers: nobody owns the pins
        }
        PinRoot root = new PinRoot(pinRoot);
        List<Path> runs = root.runs();
        int links = 0;
        for (Path run : runs) {
            int n = PinRoot.release(run);
            links += n;
            System.out.printf("released %d pinned links of %s%n", n, run);
        }
        System.out.printf("%d agent runs, %d links released under %s%n", runs.size(), links, pinRoot);
        return 0;
    }
}

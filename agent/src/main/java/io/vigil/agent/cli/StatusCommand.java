package io.vigil.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.control.ControlClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running agent: backend, sensors attached, policies, events seen and lost. "
                + "Exits 1 when no agent is running.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--socket", description = "control socket of the agent (default: ${DEFAULT-VALUE})")
    Path socket = Path.of(VigilCli.DEFAULT_SOCKET);

    @Option(names = "--json", description = "print the agent's answer as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        JsonNode status;
        try {
            status = ControlClient.call(socket, new ObjectMapper().createObjectNode().put("cmd", "status"));
        } catch (IOException e) {
            System.err.println("vigil: no agent running (nothing answers on " + socket + ": " + e.getMessage() + ")");
            return 1;
        }
        if (status.has("error")) {
            System.err.println("vigil: the agent answered: " + status.get("error").asText());
            return 1;
        }
        if (json) {
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
            System.out.print(render(status));
        }
        return 0;
    }

    static String render(JsonNode s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("agent:    running, pid %d, up %ds, node %s%n", s.path("pid").asLong(),
                s.path("uptime_seconds").asLong(), s.path("node_name").asText()));
        b.append(String.format("backend:  %s (%s)%n", s.path("backend").asText(), s.path("backend_source").asText()));
        b.append("sensors:\n");
        for (JsonNode sensor : s.path("sensors")) {
            b.append(String.format("  %-8s %-22s %s%s%n", sensor.path("sensor").asText(), sensor.path("program").asText(),
                    sensor.path("backend").asText(),
                    sensor.hasNonNull("fallback") ? "  (fell back: " + sensor.get("fallback").asText() + ")" : ""));
        }
        b.append(String.format("events:   %d seen in the kernel, %d emitted, %d lost%n",
                s.path("kernel").path("events_sent").asLong(), s.path("pipeline").path("emitted").asLong(),
                s.path("lost_total").asLong()));
        policies(b, s.path("policies"));
        JsonNode pins = s.path("pins");
        if (!pins.isMissingNode()) {
            b.append(String.format("pins:     %s, %d links pinned under %s; previous agent: %d links found, %d released%n",
                    pins.path("keep_sensors_on_exit").asBoolean() ? "sensors kept on exit" : "sensors not kept on exit",
                    pins.path("pinned_links").asInt(), pins.path("pin_root").asText(),
                    pins.path("previous_links_found").asInt(), pins.path("previous_links_released").asInt()));
        }
        section(b, "kernel", s.path("kernel"));
        section(b, "pipeline", s.path("pipeline"));
        section(b, "cache", s.path("cache"));
        section(b, "policy_events", s.path("policy_events"));
        if (s.has("agent_actions")) {
            section(b, "agent_actions", s.path("agent_actions"));
        }
        if (s.has("export_file")) {
            section(b, "export_file", s.path("export_file"));
        }
        return b.toString();
    }

    /** Counts, the watched directory, and every rejected file with its error. */
    private static void policies(StringBuilder b, JsonNode p) {
        if (p.isMissingNode()) {
            b.append("policies: not available in this agent\n");
            return;
        }
        b.append(String.format("policies: %d running, %d with errors%s%n", p.path("running").asInt(),
                p.path("errors").asInt(), p.hasNonNull("directory") ? ", watching " + p.get("directory").asText() : ""));
        for (JsonNode n : p.path("policies")) {
            if (n.has("attached")) {
                List<String> at = new ArrayList<>();
                n.get("attached").forEach(a -> at.add(a.asText()));
                b.append(String.format("  %-26s %-8s %s%n", n.path("name").asText(), n.path("mode").asText(), at.isEmpty() ? "no hooks on this kernel (see the agent's log)" : String.join(", ", at)));
            }
            if (n.hasNonNull("error")) {
                b.append(String.format("  %s %s: %s%n", n.path("state").asText(),
                        n.path("name").asText().isEmpty() ? n.path("file").asText() : n.path("name").asText(),
                        n.get("error").asText().replace("\n", "\n    ")));
            }
        }
    }

    private static void section(StringBuilder b, String name, JsonNode n) {
        b.append(String.format("%-9s", name + ":"));
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        String sep = " ";
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(sep).append(e.getKey()).append('=').append(e.getValue().asText());
            sep = ", ";
        }
        b.append('\n');
    }
}

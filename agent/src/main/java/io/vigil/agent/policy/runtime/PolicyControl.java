package io.vigil.agent.policy.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.agent.control.ControlServer;
import io.vigil.policy.PolicyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The control-socket commands of `vigil policy list|add|delete|set-mode`, over a {@link PolicyManager}.
 * Requests and answers are one JSON object each, as every control command; a failure is {"error": text}.
 */
public final class PolicyControl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyControl() {}

    public static void register(ControlServer server, PolicyManager manager) {
        server.register("policy-list", req -> list(manager));
        server.register("policy-add", req -> add(manager, req));
        server.register("policy-delete", req -> delete(manager, req));
        server.register("policy-set-mode", req -> setMode(manager, req));
    }

    /** Commands that say why this agent has no policies, instead of "unknown command". */
    public static void registerUnavailable(ControlServer server, String reason) {
        for (String cmd : List.of("policy-list", "policy-add", "policy-delete", "policy-set-mode")) {
            server.register(cmd, req -> error(reason));
        }
    }

    /** The listing, also part of `vigil status`: {"running": n, "errors": n, "policies": [...]}. */
    public static ObjectNode list(PolicyManager manager) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = JSON.createArrayNode();
        int errors = 0;
        int runningCount = 0;
        for (PolicyManager.Status s : manager.list()) {
            ObjectNode n = arr.addObject();
            n.put("name", s.name());
            n.put("mode", s.mode().spelling());
            n.put("state", s.state().spelling());
            n.put("origin", s.origin().name().toLowerCase(Locale.ROOT));
            n.put("hooks", s.hooks());
            s.attachments().forEach(n.withArray("attached")::add);
            n.put("file", s.file().map(Path::toString).orElse(""));
            if (s.state() != PolicyManager.State.FAILED) {
                runningCount++;
            }
            if (s.error().isPresent()) {
                n.put("error", s.error().get());
                errors++;
            }
        }
        out.put("running", runningCount);
        out.put("errors", errors);
        out.set("policies", arr);
        return out;
    }

    private static JsonNode add(PolicyManager manager, JsonNode req) {
        Path file = Path.of(text(req, "file"));
        if (!Files.isRegularFile(file)) {
            return error(file + ": no such file (the agent reads the file itself)");
        }
        List<String> errors = manager.applyFile(file, PolicyManager.Origin.CONTROL);
        if (!errors.isEmpty()) {
            return error(String.join("\n", errors));
        }
        return JSON.createObjectNode().put("file", file.toString());
    }

    private static JsonNode delete(PolicyManager manager, JsonNode req) {
        String name = text(req, "name");
        if (!manager.delete(name)) {
            return error("no policy named '" + name + "' is running; see `vigil policy list`");
        }
        return JSON.createObjectNode().put("deleted", name);
    }

    private static JsonNode setMode(PolicyManager manager, JsonNode req) throws PolicyInstallException {
        String name = text(req, "name");
        String mode = text(req, "mode");
        Optional<PolicyMode> m = Arrays.stream(PolicyMode.values()).filter(v -> v.spelling().equals(mode)).findFirst();
        if (m.isEmpty()) {
            return error("mode must be enforce or monitor, not '" + mode + "'");
        }
        manager.setMode(name, m.get());
        return JSON.createObjectNode().put("name", name).put("mode", mode);
    }

    private static String text(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("request lacks '" + field + "'");
        }
        return v.asText();
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }
}

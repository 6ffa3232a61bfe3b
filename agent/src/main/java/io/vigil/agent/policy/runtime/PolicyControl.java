package io.vigil.agent.policy.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.agent.control.ControlServer;
import io.vigil.policy.PolicyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The control-socket commands of `vigil policy list|add|delete|set-mode`, over a {@link PolicyManager}. */
public final class PolicyControl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyControl() {}

    public static void register(ControlServer server, PolicyManager manager) {
        server.register("policy-list", req -> list(manager));
        server.register("policy-add", req -> add(manager, req));
        server.register("policy-delete", req -> delete(manager, req));
        server.register("policy-set-mode", req -> setMode(manager, req));
    }

    public static ObjectNode list(PolicyManager manager) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("policies");
        int errors = 0;
        for (PolicyManager.Status s : manager.list()) {
            ObjectNode n = arr.addObject();
            n.put("name", s.name());
            n.put("mode", s.mode().spelling());
            n.put("origin", s.origin().name().toLowerCase(java.util.Locale.ROOT));
            n.put("hooks", s.hooks());
            n.put("file", s.file().map(Path::toString).orElse(""));
            if (s.error().isPresent()) {
                n.put("error", s.error().get());
                errors++;
            }
        }
        out.put("errors", errors);
        return out;
    }

    private static JsonNode add(PolicyManager manager, JsonNode req) {
        Path file = Path.of(text(req, "file"));
        if (!Files.isRegularFile(file)) {
            return error(file + ": no such file");
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
        PolicyMode m = switch (mode) {
            case "enforce" -> PolicyMode.ENFORCE;
            case "monitor" -> PolicyMode.MONITOR;
            default -> null;
        };
        if (m == null) {
            return error("mode must be enforce or monitor, not '" + mode + "'");
        }
        manager.setMode(name, m);
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

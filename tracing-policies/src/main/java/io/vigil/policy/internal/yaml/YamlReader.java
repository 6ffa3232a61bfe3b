// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.vigil.policy.internal.yaml.YamlNode.Entry;
import io.vigil.policy.internal.yaml.YamlNode.Mapping;
import io.vigil.policy.internal.yaml.YamlNode.Scalar;
import io.vigil.policy.internal.yaml.YamlNode.ScalarKind;
import io.vigil.policy.internal.yaml.YamlNode.Sequence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a YAML stream into {@link YamlNode} trees, one per document, by walking Jackson's YAML token
 * stream and recording each token's location. Anchors and aliases are resolved; a duplicate key is a
 * problem (Tetragon's strict decoder refuses it too), reported with both positions.
 */
public final class YamlReader {

    /** Deeper than any policy needs; stops a hostile file from exhausting the stack. */
    private static final int MAX_DEPTH = 64;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    /** One {@code ---} document: its root, or null when the document is empty. */
    public record Document(YamlNode root, Position start) {}

    /** A problem that does not stop reading (duplicate key). */
    public record Problem(Position position, String message) {}

    /** What a stream holds: its documents and the problems met while reading them. */
    public record Result(List<Document> documents, List<Problem> problems) {}

    private final Map<String, YamlNode> anchors = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    private YamlReader() {}

    public static Result read(String text) throws YamlSyntaxException {
        return new YamlReader().readAll(text);
    }

    private Result readAll(String text) throws YamlSyntaxException {
        List<Document> documents = new ArrayList<>();
        try (YAMLParser p = FACTORY.createParser(text)) {
            JsonToken t;
            while ((t = next(p)) != null) {
                Position start = position(p);
                YamlNode root = value(p, t, 0);
                boolean empty = root instanceof Scalar s && s.isEmpty();
                documents.add(new Document(empty ? null : root, start));
                anchors.clear(); // anchors do not reach across documents
            }
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            throw new YamlSyntaxException("cannot read YAML: " + e.getMessage(), Position.FILE);
        }
        return new Result(documents, List.copyOf(problems));
    }

    private YamlNode value(YAMLParser p, JsonToken t, int depth) throws IOException, YamlSyntaxException {
        Position at = position(p);
        if (depth > MAX_DEPTH) {
            throw new YamlSyntaxException("nesting deeper than " + MAX_DEPTH + " levels", at);
        }
        String anchor = p.getObjectId();
        YamlNode node = switch (t) {
            case START_OBJECT -> mapping(p, at, depth);
            case START_ARRAY -> sequence(p, at, depth);
            case VALUE_STRING -> p.isCurrentAlias() ? alias(p.getText(), at) : new Scalar(at, p.getText(), ScalarKind.STRING);
            case VALUE_NUMBER_INT -> new Scalar(at, p.getText(), ScalarKind.INTEGER);
            case VALUE_NUMBER_FLOAT -> new Scalar(at, p.getText(), ScalarKind.FLOAT);
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(at, p.getText(), ScalarKind.BOOLEAN);
            case VALUE_NULL -> new Scalar(at, "", ScalarKind.NULL);
            case VALUE_EMBEDDED_OBJECT -> new Scalar(at, p.getText(), ScalarKind.STRING); // !!binary
            default -> throw new YamlSyntaxException("unexpected YAML token " + t, at);
        };
        if (anchor != null && t != JsonToken.FIELD_NAME) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private Mapping mapping(YAMLParser p, Position at, int depth) throws IOException, YamlSyntaxException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Position> seen = new HashMap<>();
        JsonToken t;
        while ((t = next(p)) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new YamlSyntaxException("expected a key, found " + t, position(p));
            }
            String key = p.getText();
            Position keyAt = position(p);
            YamlNode value = value(p, next(p), depth + 1);
            Position first = seen.putIfAbsent(key, keyAt);
            if (first != null) {
                problems.add(new Problem(keyAt, "duplicate field '" + key + "' (first at line " + first.line() + ")"));
                continue;
            }
            entries.add(new Entry(key, keyAt, value));
        }
        return new Mapping(at, entries);
    }

    private Sequence sequence(YAMLParser p, Position at, int depth) throws IOException, YamlSyntaxException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken t;
        while ((t = next(p)) != JsonToken.END_ARRAY) {
            items.add(value(p, t, depth + 1));
        }
        return new Sequence(at, items);
    }

    private YamlNode alias(String name, Position at) throws YamlSyntaxException {
        YamlNode target = anchors.get(name);
        if (target == null) {
            throw new YamlSyntaxException("alias '*" + name + "' refers to no anchor defined before it", at);
        }
        return target;
    }

    private static JsonToken next(YAMLParser p) throws IOException {
        return p.nextToken();
    }

    private static Position position(YAMLParser p) {
        JsonLocation l = p.currentTokenLocation();
        return new Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /**
     * Jackson wraps SnakeYAML's exception, whose message repeats the offending lines with a caret;
     * report SnakeYAML's own problem text at its problem mark instead.
     */
    private static YamlSyntaxException syntax(JsonProcessingException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                Mark mark = m.getProblemMark();
                StringBuilder msg = new StringBuilder("YAML syntax error: ").append(m.getProblem());
                if (m.getContext() != null && m.getContextMark() != null) {
                    msg.append(" (").append(m.getContext()).append(" at line ")
                            .append(m.getContextMark().getLine() + 1).append(')');
                }
                return new YamlSyntaxException(msg.toString(), new Position(mark.getLine() + 1, mark.getColumn() + 1));
            }
        }
        JsonLocation l = e.getLocation();
        Position at = l == null ? Position.FILE : new Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
        String raw = e.getOriginalMessage() == null ? "malformed YAML" : e.getOriginalMessage().lines().findFirst().orElse("");
        return new YamlSyntaxException("YAML syntax error: " + raw.strip(), at);
    }
}

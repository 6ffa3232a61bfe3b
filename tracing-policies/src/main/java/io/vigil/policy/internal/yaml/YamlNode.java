// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal.yaml;

import java.util.List;
import java.util.Optional;

/**
 * A YAML value with the position it was read at. Jackson's {@code JsonNode} drops locations, so the
 * reader builds this small tree from the token stream instead.
 */
public sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    Position position();

    /** How the node is named in messages: "a mapping", "a list", "a string 'x'", "an integer 3", ... */
    String describe();

    /** A block or flow mapping; keys are kept in file order, duplicates were reported by the reader. */
    record Mapping(Position position, List<Entry> entries) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        public Optional<Entry> entry(String key) {
            for (Entry e : entries) {
                if (e.key().equals(key)) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** One {@code key: value} of a mapping. */
    record Entry(String key, Position keyPosition, YamlNode value) {}

    record Sequence(Position position, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar: its text as written (numbers keep their spelling, e.g. {@code 0x10}) and its kind. */
    record Scalar(Position position, String text, ScalarKind kind) implements YamlNode {

        /** {@code key:} with nothing after it, or {@code ~} / {@code null}: YAML's empty value. */
        public boolean isEmpty() {
            return kind == ScalarKind.NULL || (kind == ScalarKind.STRING && text.isEmpty());
        }

        @Override
        public String describe() {
            return switch (kind) {
                case NULL -> "an empty value";
                case BOOLEAN -> "a boolean " + text;
                case INTEGER -> "an integer " + text;
                case FLOAT -> "a number " + text;
                case STRING -> text.isEmpty() ? "an empty value" : "a string '" + text + "'";
            };
        }
    }

    /** What YAML (1.1, as Jackson's parser and Tetragon's Go parser read it) made of a plain scalar. */
    enum ScalarKind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.Spelled;
import io.vigil.policy.internal.yaml.Position;
import io.vigil.policy.internal.yaml.YamlNode;
import io.vigil.policy.internal.yaml.YamlNode.Entry;
import io.vigil.policy.internal.yaml.YamlNode.Mapping;
import io.vigil.policy.internal.yaml.YamlNode.Scalar;
import io.vigil.policy.internal.yaml.YamlNode.ScalarKind;
import io.vigil.policy.internal.yaml.YamlNode.Sequence;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed, checked access to the fields of one YAML mapping: unknown keys are reported on construction
 * (with the fields that are allowed), wrong types and out-of-range numbers when read. Every read
 * records the positions of the key, the value and each list item, for {@link SourceMap}.
 */
public final class Fields {

    static final String KEY_SUFFIX = "@key";

    private final Mapping map;
    private final String context;
    private final Diagnostics diag;
    private final Map<String, Position> positions = new HashMap<>();

    private Fields(Mapping map, String context, List<String> allowed, Diagnostics diag) {
        this.map = map;
        this.context = context;
        this.diag = diag;
        for (Entry e : map.entries()) {
            if (!allowed.contains(e.key())) {
                diag.error(e.keyPosition(),
                        "unknown field '" + e.key() + "' in " + context + "; allowed: " + String.join(", ", allowed));
            }
            positions.put(e.key() + KEY_SUFFIX, e.keyPosition());
            positions.put(e.key(), e.value().position());
        }
    }

    /** The fields of {@code node}, which must be a mapping; empty (and an error) otherwise. */
    public static Optional<Fields> of(YamlNode node, String context, List<String> allowed, Diagnostics diag) {
        if (node instanceof Mapping m) {
            return Optional.of(new Fields(m, context, allowed, diag));
        }
        diag.error(node.position(), context + " must be a mapping, found " + node.describe());
        return Optional.empty();
    }

    public Position position() {
        return map.position();
    }

    public String context() {
        return context;
    }

    Map<String, Position> positions() {
        return positions;
    }

    public Diagnostics diagnostics() {
        return diag;
    }

    /** Whether the key is written with a non-empty value. */
    public boolean has(String key) {
        return node(key).isPresent();
    }

    /** Whether the key is written at all, even with an empty value. */
    public boolean written(String key) {
        return map.entry(key).isPresent();
    }

    public Position valuePosition(String key) {
        return positions.getOrDefault(key, map.position());
    }

    /** Where item {@code i} of a list field read by {@link #items} is, or where the field is. */
    public Position itemPosition(String key, int i) {
        return positions.getOrDefault(key + "[" + i + "]", valuePosition(key));
    }

    public Position keyPosition(String key) {
        return positions.getOrDefault(key + KEY_SUFFIX, map.position());
    }

    /** The value, absent when the key is missing or its value is empty ({@code key:} or {@code ~}). */
    public Optional<YamlNode> node(String key) {
        return map.entry(key).map(Entry::value).filter(v -> !(v instanceof Scalar s && s.isEmpty()));
    }

    // ---- scalars -------------------------------------------------------------------------------

    /** A string; numbers and booleans are taken as written (Tetragon's docs write {@code - 0} for string values). */
    public Optional<String> string(String key) {
        Optional<YamlNode> n = map.entry(key).map(Entry::value);
        if (n.isEmpty() || (n.get() instanceof Scalar s && s.kind() == ScalarKind.NULL)) {
            return Optional.empty();
        }
        return scalarText(n.get(), key);
    }

    public String requiredString(String key) {
        Optional<String> s = string(key);
        if (s.isEmpty() || s.get().isEmpty()) {
            if (map.entry(key).isPresent()) {
                diag.error(valuePosition(key), "'" + key + "' in " + context + " must not be empty");
            } else {
                missing(key);
            }
            return "";
        }
        return s.get();
    }

    public void missing(String key) {
        diag.error(map.position(), context + " is missing required field '" + key + "'");
    }

    public boolean bool(String key, boolean dflt) {
        Optional<YamlNode> n = node(key);
        if (n.isEmpty()) {
            return dflt;
        }
        if (n.get() instanceof Scalar s && s.kind() == ScalarKind.BOOLEAN) {
            return switch (s.text().toLowerCase()) {
                case "true", "yes", "on", "y" -> true;
                default -> false;
            };
        }
        diag.error(n.get().position(), "'" + key + "' in " + context + " must be true or false, found " + n.get().describe());
        return dflt;
    }

    /** An integer within [min, max]; YAML 1.1 spellings (0x1f, 0o17, 017, 1_000) are read as Go's YAML does. */
    public OptionalLong integer(String key, long min, long max) {
        Optional<YamlNode> n = node(key);
        return n.isEmpty() ? OptionalLong.empty() : integerValue(n.get(), "'" + key + "' in " + context, min, max);
    }

    public long requiredInteger(String key, long min, long max) {
        if (!has(key)) {
            missing(key);
            return min;
        }
        return integer(key, min, max).orElse(min);
    }

    public <E extends Enum<E> & Spelled> Optional<E> enumValue(String key, Class<E> type, String what) {
        return string(key).flatMap(text -> spelled(text, type, what, valuePosition(key)));
    }

    public <E extends Enum<E> & Spelled> Optional<E> requiredEnum(String key, Class<E> type, String what) {
        if (string(key).isEmpty()) {
            missing(key);
            return Optional.empty();
        }
        return enumValue(key, type, what);
    }

    /** Looks up a spelling; reports "what 'x' not known; allowed: ..." with a hint for a case-only miss. */
    public <E extends Enum<E> & Spelled> Optional<E> spelled(String text, Class<E> type, String what, Position at) {
        Optional<E> e = Spellings.lookup(type, text);
        if (e.isEmpty()) {
            String hint = Spellings.ignoringCase(type, text)
                    .map(c -> " (spellings are case-sensitive: write '" + c.spelling() + "')")
                    .orElse("");
            diag.error(at, what + " '" + text + "' not known" + hint + "; allowed: " + Spellings.allowed(type));
        }
        return e;
    }

    // ---- lists and maps ------------------------------------------------------------------------

    /** The items of a list field, with their positions recorded as {@code key[i]}; empty when absent. */
    public List<YamlNode> items(String key) {
        Optional<YamlNode> n = node(key);
        if (n.isEmpty()) {
            return List.of();
        }
        if (n.get() instanceof Sequence seq) {
            for (int i = 0; i < seq.items().size(); i++) {
                positions.put(key + "[" + i + "]", seq.items().get(i).position());
            }
            return seq.items();
        }
        diag.error(n.get().position(), "'" + key + "' in " + context + " must be a list, found " + n.get().describe());
        return List.of();
    }

    /** Whether the key is absent, empty or a list: false when {@link #items} reports a wrong type. */
    public boolean listOrAbsent(String key) {
        return node(key).map(n -> n instanceof Sequence).orElse(true);
    }

    public List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (YamlNode item : items(key)) {
            scalarText(item, key).ifPresent(out::add);
        }
        return out;
    }

    public List<Long> integers(String key, long min, long max) {
        List<Long> out = new ArrayList<>();
        for (YamlNode item : items(key)) {
            integerValue(item, "'" + key + "' in " + context, min, max).ifPresent(out::add);
        }
        return out;
    }

    /** The mappings of a list field, each read with {@code allowed}; items that are not mappings are reported. */
    public List<Fields> maps(String key, String itemContext, List<String> allowed) {
        List<Fields> out = new ArrayList<>();
        for (YamlNode item : items(key)) {
            of(item, itemContext, allowed, diag).ifPresent(out::add);
        }
        return out;
    }

    public Optional<Fields> map(String key, String mapContext, List<String> allowed) {
        return node(key).flatMap(n -> of(n, mapContext, allowed, diag));
    }

    /** A mapping of strings to strings (labels, annotations, matchLabels). */
    public Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<YamlNode> n = node(key);
        if (n.isEmpty()) {
            return out;
        }
        if (!(n.get() instanceof Mapping m)) {
            diag.error(n.get().position(), "'" + key + "' in " + context + " must be a mapping, found " + n.get().describe());
            return out;
        }
        for (Entry e : m.entries()) {
            scalarText(e.value(), key + "." + e.key()).ifPresent(v -> out.put(e.key(), v));
        }
        return out;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Optional<String> scalarText(YamlNode n, String key) {
        if (n instanceof Scalar s) {
            return Optional.of(s.kind() == ScalarKind.NULL ? "" : s.text());
        }
        diag.error(n.position(), "'" + key + "' in " + context + " must be a string, found " + n.describe());
        return Optional.empty();
    }

    private OptionalLong integerValue(YamlNode n, String what, long min, long max) {
        if (n instanceof Scalar s && s.kind() == ScalarKind.INTEGER) {
            BigInteger v = YamlIntegers.parse(s.text());
            if (v != null && v.compareTo(BigInteger.valueOf(min)) >= 0 && v.compareTo(BigInteger.valueOf(max)) <= 0) {
                return OptionalLong.of(v.longValue());
            }
            diag.error(n.position(), what + " must be between " + min + " and " + max + ", found " + s.text());
            return OptionalLong.empty();
        }
        diag.error(n.position(), what + " must be an integer, found " + n.describe());
        return OptionalLong.empty();
    }
}

package io.vigil.exporters.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.api.Event;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses Tetragon's export filter syntax: one JSON object per line (blank lines ignored), e.g.
 * <pre>
 * {"event_set":["PROCESS_EXEC","PROCESS_EXIT"],"binary_regex":["^/usr/bin/"]}
 * {"policy_names":["credential-files"]}
 * </pre>
 * Keys in a line are ANDed, lines are ORed. The keys that apply to Vigil's events:
 * <ul>
 *   <li>{@code event_set}: event types ({@link EventTypes#KNOWN});
 *   <li>{@code binary_regex}, {@code parent_binary_regex}, {@code arguments_regex},
 *       {@code parent_arguments_regex}: regexes, one of which must be found in process.binary,
 *       parent.binary, process.arguments, parent.arguments (Go's {@code MatchString}: a match
 *       anywhere, anchor with ^ and $; no parent means no match);
 *   <li>{@code pid}: process.pid in the list; {@code pid_set}: the pids and their descendants;
 *   <li>{@code policy_names}: the policy of a process_kprobe/tracepoint/lsm/uprobe event, or the
 *       AssetProtectionPolicy of a process_asset event (exec and exit never match);
 *   <li>{@code namespace}: Kubernetes namespaces; Vigil has no pod information, so every event is
 *       in the host namespace {@code ""} and only {@code ""} matches.
 * </ul>
 * Any other key (Tetragon's pod_regex, labels, container_id, in_init_tree, ancestor_binary_regex,
 * capabilities, cel_expression, health_check...) is refused with a message naming it, rather than
 * silently ignored: a filter that does less than it says would export or hide the wrong events.
 */
public final class FilterParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The keys this parser understands, for error messages. */
    public static final Set<String> KEYS = new TreeSet<>(List.of("event_set", "binary_regex", "parent_binary_regex",
            "arguments_regex", "parent_arguments_regex", "pid", "pid_set", "policy_names", "namespace"));

    private static final Set<String> TETRAGON_ONLY = Set.of("pod_regex", "labels", "container_id", "in_init_tree",
            "ancestor_binary_regex", "capabilities", "cel_expression", "health_check", "pod_labels", "parent_regex");

    private FilterParser() {}

    /** Parses a whole list; null or blank is the empty list. */
    public static FilterList parse(String source, String text) {
        if (text == null || text.isBlank()) {
            return FilterList.EMPTY;
        }
        List<FilterLine> lines = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            if (!raw[i].isBlank()) {
                lines.add(parseLine(source, i + 1, readObject(source, i + 1, raw[i])));
            }
        }
        return new FilterList(lines);
    }

    static JsonNode readObject(String source, int line, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FilterSyntaxException(source, line, "not JSON: " + e.getOriginalMessage()
                    + " (one JSON object per line, e.g. {\"binary_regex\":[\"^/usr/bin/\"]})");
        }
        if (node == null || !node.isObject()) {
            throw new FilterSyntaxException(source, line, "expected a JSON object, e.g. {\"event_set\":[\"PROCESS_EXEC\"]}");
        }
        return node;
    }

    /** One filter object (also used for a redaction filter's {@code match}). */
    public static FilterLine parseLine(String source, int line, JsonNode obj) {
        List<Predicate<Event>> checks = new ArrayList<>();
        List<PidSet> pidSets = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            JsonNode v = f.getValue();
            switch (key) {
                case "event_set" -> {
                    Set<String> types = new HashSet<>();
                    for (String t : strings(source, line, key, v)) {
                        if (!EventTypes.KNOWN.contains(t)) {
                            throw new FilterSyntaxException(source, line, "event_set: unknown event type \"" + t
                                    + "\" (known: " + new TreeSet<>(EventTypes.KNOWN) + ")");
                        }
                        types.add(t);
                    }
                    checks.add(e -> types.contains(EventTypes.of(e)));
                }
                case "binary_regex" -> {
                    List<Pattern> ps = regexes(source, line, key, v);
                    checks.add(e -> anyFind(ps, e.body().process().binary()));
                }
                case "parent_binary_regex" -> {
                    List<Pattern> ps = regexes(source, line, key, v);
                    checks.add(e -> { ProcessInfo p = parent(e); return p != null && anyFind(ps, p.binary()); });
                }
                case "arguments_regex" -> {
                    List<Pattern> ps = regexes(source, line, key, v);
                    checks.add(e -> anyFind(ps, e.body().process().arguments()));
                }
                case "parent_arguments_regex" -> {
                    List<Pattern> ps = regexes(source, line, key, v);
                    checks.add(e -> { ProcessInfo p = parent(e); return p != null && anyFind(ps, p.arguments()); });
                }
                case "pid" -> {
                    Set<Long> pids = pids(source, line, key, v);
                    checks.add(e -> pids.contains(e.body().process().pid()));
                }
                case "pid_set" -> {
                    PidSet set = new PidSet(pids(source, line, key, v));
                    pidSets.add(set);
                    checks.add(set::matches);
                }
                case "policy_names" -> {
                    Set<String> names = Set.copyOf(strings(source, line, key, v));
                    checks.add(e -> { String n = policyName(e); return n != null && names.contains(n); });
                }
                case "namespace" -> {
                    boolean host = strings(source, line, key, v).contains("");
                    checks.add(e -> host);
                }
                default -> {
                    if (TETRAGON_ONLY.contains(key)) {
                        throw new FilterSyntaxException(source, line, "\"" + key
                                + "\" is a Tetragon filter key Vigil does not support (no Kubernetes, ancestors"
                                + " or CEL here); supported: " + KEYS);
                    }
                    throw new FilterSyntaxException(source, line, "unknown key \"" + key + "\"; supported: " + KEYS);
                }
            }
        }
        return new FilterLine(checks, pidSets);
    }

    /** The policy behind the event, or null for exec and exit (which no policy_names line matches). */
    private static String policyName(Event e) {
        if (e.body() instanceof PolicyEvent p) {
            return p.policyName();
        }
        if (e.body() instanceof ProcessAsset a) {
            return a.policyName();
        }
        return null;
    }

    private static ProcessInfo parent(Event e) {
        return Processes.parent(e.body());
    }

    private static boolean anyFind(List<Pattern> ps, String s) {
        for (Pattern p : ps) {
            if (p.matcher(s).find()) {
                return true;
            }
        }
        return false;
    }

    static List<String> strings(String source, int line, String key, JsonNode v) {
        if (!v.isArray()) {
            throw new FilterSyntaxException(source, line, key + ": expected a list of strings, e.g. \"" + key
                    + "\":[\"...\"]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw new FilterSyntaxException(source, line, key + ": expected strings, found " + s);
            }
            out.add(s.asText());
        }
        return out;
    }

    static List<Pattern> regexes(String source, int line, String key, JsonNode v) {
        List<Pattern> out = new ArrayList<>();
        for (String s : strings(source, line, key, v)) {
            try {
                out.add(Pattern.compile(s));
            } catch (PatternSyntaxException e) {
                throw new FilterSyntaxException(source, line, key + ": bad regex \"" + s + "\": "
                        + e.getDescription() + " near index " + e.getIndex());
            }
        }
        return out;
    }

    private static Set<Long> pids(String source, int line, String key, JsonNode v) {
        if (!v.isArray()) {
            throw new FilterSyntaxException(source, line, key + ": expected a list of pids, e.g. \"" + key + "\":[1234]");
        }
        Set<Long> out = new HashSet<>();
        for (JsonNode n : v) {
            if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > 0xFFFF_FFFFL) {
                throw new FilterSyntaxException(source, line, key + ": expected pids (unsigned integers), found " + n);
            }
            out.add(n.asLong());
        }
        return out;
    }
}

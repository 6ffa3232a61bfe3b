package io.vigil.exporters.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tetragon's {@code --field-filters}: JSON lines such as
 * <pre>
 * {"event_set":["PROCESS_EXEC","PROCESS_EXIT"],"fields":"process.binary,process.arguments,process.pid","action":"INCLUDE"}
 * {"fields":"parent","action":"EXCLUDE"}
 * {"event_set":["PROCESS_KPROBE"],"invert_event_set":true,"fields":"process.cwd","action":"EXCLUDE"}
 * </pre>
 * applied in order to each event's body. An event no filter applies to is written untouched (and
 * quickly: the filters work on a JSON tree only for the events they apply to).
 */
public final class FieldFilters {
    public static final FieldFilters NONE = new FieldFilters(List.of());

    private final List<FieldFilter> filters;

    public FieldFilters(List<FieldFilter> filters) {
        this.filters = List.copyOf(filters);
    }

    public boolean isEmpty() {
        return filters.isEmpty();
    }

    public static FieldFilters parse(String text) {
        String source = "--field-filters";
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<FieldFilter> out = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isBlank()) {
                continue;
            }
            int line = i + 1;
            JsonNode obj = FilterParser.readObject(source, line, raw[i]);
            Set<String> eventSet = new HashSet<>();
            boolean invert = false;
            Boolean include = null;
            List<String> fields = null;
            for (var it = obj.fields(); it.hasNext(); ) {
                var f = it.next();
                JsonNode v = f.getValue();
                switch (f.getKey()) {
                    case "event_set" -> {
                        for (String t : FilterParser.strings(source, line, "event_set", v)) {
                            if (!EventTypes.KNOWN.contains(t)) {
                                throw new FilterSyntaxException(source, line, "event_set: unknown event type \"" + t
                                        + "\" (known: " + new TreeSet<>(EventTypes.KNOWN) + ")");
                            }
                            eventSet.add(t);
                        }
                    }
                    case "invert_event_set" -> {
                        if (!v.isBoolean()) {
                            throw new FilterSyntaxException(source, line, "invert_event_set: expected true or false");
                        }
                        invert = v.asBoolean();
                    }
                    case "action" -> {
                        String a = v.asText().toUpperCase(Locale.ROOT);
                        if (!v.isTextual() || !(a.equals("INCLUDE") || a.equals("EXCLUDE"))) {
                            throw new FilterSyntaxException(source, line, "action: expected \"INCLUDE\" or \"EXCLUDE\", found " + v);
                        }
                        include = a.equals("INCLUDE");
                    }
                    case "fields" -> {
                        if (!v.isTextual() || v.asText().isBlank()) {
                            throw new FilterSyntaxException(source, line,
                                    "fields: expected a comma-separated string, e.g. \"process.binary,process.pid\"");
                        }
                        fields = new ArrayList<>();
                        for (String p : v.asText().split(",")) {
                            String path = p.trim();
                            if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
                                throw new FilterSyntaxException(source, line, "fields: bad path \"" + p + "\"");
                            }
                            fields.add(path);
                        }
                    }
                    default -> throw new FilterSyntaxException(source, line, "unknown key \"" + f.getKey()
                            + "\"; a field filter has event_set, invert_event_set, fields and action");
                }
            }
            if (fields == null) {
                throw new FilterSyntaxException(source, line, "missing \"fields\"");
            }
            if (include == null) {
                throw new FilterSyntaxException(source, line, "missing \"action\" (\"INCLUDE\" or \"EXCLUDE\")");
            }
            out.add(new FieldFilter(eventSet, invert, include, FieldFilter.Node.of(fields)));
        }
        return new FieldFilters(out);
    }

    /** Whether any filter applies to events of this type (else the event needs no JSON tree). */
    public boolean appliesTo(String eventType) {
        for (FieldFilter f : filters) {
            if (f.appliesTo(eventType)) {
                return true;
            }
        }
        return false;
    }

    /** Applies the filters for this event type, in order, to the body object, in place. */
    public void apply(String eventType, ObjectNode body) {
        for (FieldFilter f : filters) {
            if (f.appliesTo(eventType)) {
                f.apply(body);
            }
        }
    }
}

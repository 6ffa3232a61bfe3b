package io.vigil.exporters.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.api.Event;
import io.vigil.api.EventBody;
import io.vigil.api.ProcessInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Tetragon's {@code --redaction-filters}: JSON lines such as
 * <pre>
 * {"redact":["(?:--password|-p)(?:\\s+|=)(\\S*)"]}
 * {"match":{"binary_regex":["^/usr/bin/mysql$"]},"redact":["\\W(qux)\\W"]}
 * {"binary_regex":["(?:^|/)curl$"],"redact":["-u\\s+\\S+:(\\S+)"]}
 * </pre>
 * {@code match} is an export filter (an object, or a list of objects ORed), {@code binary_regex} a
 * list of regexes the binary must match, {@code redact} the regexes whose capture groups are
 * replaced. Applied to the arguments of the event's process and of its parent. A regex without a
 * capture group is refused: it would redact nothing.
 */
public final class Redactor {
    public static final Redactor NONE = new Redactor(List.of());

    private final List<RedactionFilter> filters;

    public Redactor(List<RedactionFilter> filters) {
        this.filters = List.copyOf(filters);
    }

    public boolean isEmpty() {
        return filters.isEmpty();
    }

    public static Redactor parse(String text) {
        String source = "--redaction-filters";
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<RedactionFilter> out = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isBlank()) {
                continue;
            }
            int line = i + 1;
            JsonNode obj = FilterParser.readObject(source, line, raw[i]);
            List<FilterLine> match = new ArrayList<>();
            List<Pattern> binary = List.of();
            List<Pattern> redact = List.of();
            for (var it = obj.fields(); it.hasNext(); ) {
                var f = it.next();
                switch (f.getKey()) {
                    case "match" -> {
                        JsonNode m = f.getValue();
                        if (m.isObject()) {
                            match.add(FilterParser.parseLine(source, line, m));
                        } else if (m.isArray()) {
                            for (JsonNode o : m) {
                                if (!o.isObject()) {
                                    throw new FilterSyntaxException(source, line, "match: expected filter objects");
                                }
                                match.add(FilterParser.parseLine(source, line, o));
                            }
                        } else {
                            throw new FilterSyntaxException(source, line,
                                    "match: expected a filter object, e.g. {\"binary_regex\":[\"^/usr/bin/mysql$\"]}");
                        }
                    }
                    case "binary_regex" -> binary = FilterParser.regexes(source, line, "binary_regex", f.getValue());
                    case "redact" -> redact = FilterParser.regexes(source, line, "redact", f.getValue());
                    default -> throw new FilterSyntaxException(source, line, "unknown key \"" + f.getKey()
                            + "\"; a redaction filter has match, binary_regex and redact");
                }
            }
            if (redact.isEmpty()) {
                throw new FilterSyntaxException(source, line, "no \"redact\" regexes: nothing to redact");
            }
            for (Pattern p : redact) {
                if (p.matcher("").groupCount() == 0) {
                    throw new FilterSyntaxException(source, line, "redact: \"" + p.pattern()
                            + "\" has no capture group; the text of capture groups is what gets replaced, e.g."
                            + " \"--password[= ](\\\\S+)\"");
                }
            }
            out.add(new RedactionFilter(new FilterList(match), binary, redact));
        }
        return new Redactor(out);
    }

    /** The event with its arguments redacted; the same instance when no filter changed anything. */
    public Event apply(Event e) {
        EventBody body = e.body();
        EventBody out = body;
        for (RedactionFilter f : filters) {
            if (f.appliesTo(e)) {
                out = Processes.map(out, p -> redact(f, p));
            }
        }
        return out == body ? e : new Event(e.nodeName(), e.time(), out);
    }

    private static ProcessInfo redact(RedactionFilter f, ProcessInfo p) {
        String a = p.arguments();
        if (a.isEmpty()) {
            return p;
        }
        String r = f.redact(a);
        return r.equals(a) ? p : p.toBuilder().arguments(r).build();
    }
}

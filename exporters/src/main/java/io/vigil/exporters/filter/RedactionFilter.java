package io.vigil.exporters.filter;

import io.vigil.api.Event;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of Tetragon's redaction filters: in the arguments of the events it applies to, the text of
 * every capture group of every {@code redact} regex is replaced with {@value #REDACTED}
 * ({@code (?:--password|-p)(?:\s+|=)(\S*)} turns {@code --password=foo} into
 * {@code --password=*****}).
 *
 * @param match       events it applies to (lines ORed, like an allowlist); empty: all events
 * @param binaryRegex the process binary must match one of these; empty: any binary
 * @param redact      the regexes, each with at least one capture group
 */
public record RedactionFilter(FilterList match, List<Pattern> binaryRegex, List<Pattern> redact) {
    public static final String REDACTED = "*****";

    public RedactionFilter {
        binaryRegex = List.copyOf(binaryRegex);
        redact = List.copyOf(redact);
    }

    /** Whether this filter applies to the event (its process's arguments are then redacted). */
    public boolean appliesTo(Event e) {
        match.observe(e);
        if (!match.isEmpty() && !match.matches(e)) {
            return false;
        }
        if (binaryRegex.isEmpty()) {
            return true;
        }
        String binary = e.body().process().binary();
        for (Pattern p : binaryRegex) {
            if (p.matcher(binary).find()) {
                return true;
            }
        }
        return false;
    }

    /** {@code s} with every capture group of every regex replaced; {@code s} itself when nothing matched. */
    public String redact(String s) {
        String out = s;
        for (Pattern p : redact) {
            out = redactOne(p, out);
        }
        return out;
    }

    private static String redactOne(Pattern p, String s) {
        Matcher m = p.matcher(s);
        StringBuilder b = null;
        int copied = 0;
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                int start = m.start(g);
                if (start < copied || start < 0) {
                    continue; // group did not take part, or lies inside one already replaced
                }
                if (b == null) {
                    b = new StringBuilder(s.length() + 8);
                }
                b.append(s, copied, start).append(REDACTED);
                copied = m.end(g);
            }
        }
        if (b == null) {
            return s;
        }
        return b.append(s, copied, s.length()).toString();
    }
}

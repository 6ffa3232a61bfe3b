package io.vigil.exporters.filter;

import io.vigil.api.Event;
import java.util.List;

/** An allow or deny list: its lines, ORed (Tetragon's semantics). An empty list matches nothing. */
public record FilterList(List<FilterLine> lines) {
    public static final FilterList EMPTY = new FilterList(List.of());

    public FilterList {
        lines = List.copyOf(lines);
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Lets every pid_set follow process creation; call once per event, before {@link #matches}. */
    public void observe(Event e) {
        for (FilterLine l : lines) {
            for (PidSet p : l.pidSets()) {
                p.observe(e);
            }
        }
    }

    public boolean matches(Event e) {
        for (FilterLine l : lines) {
            if (l.test(e)) {
                return true;
            }
        }
        return false;
    }
}

package io.vigil.exporters.filter;

import io.vigil.api.Event;
import java.util.List;
import java.util.function.Predicate;

/**
 * One line of an allow or deny list: its keys, ANDed. An empty line ({@code {}}) matches every event.
 *
 * @param checks  one predicate per key
 * @param pidSets the line's {@code pid_set} trackers, which must see every event (not only the ones
 *                this line is asked about) to follow descendants
 */
public record FilterLine(List<Predicate<Event>> checks, List<PidSet> pidSets) implements Predicate<Event> {
    public FilterLine {
        checks = List.copyOf(checks);
        pidSets = List.copyOf(pidSets);
    }

    @Override
    public boolean test(Event e) {
        for (Predicate<Event> c : checks) {
            if (!c.test(e)) {
                return false;
            }
        }
        return true;
    }
}

package io.vigil.exporters.filter;

import io.vigil.api.Event;
import java.util.Locale;
import java.util.Set;

/**
 * Tetragon's {@code EventType} names as filters spell them ({@code PROCESS_EXEC}), mapped from the
 * event's JSON key ({@code process_exec}).
 */
public final class EventTypes {
    private EventTypes() {}

    /**
     * Every name Tetragon's {@code event_set} accepts, and Vigil's own {@code PROCESS_ASSET} (the
     * model-theft guard's decisions; Tetragon has no such type). Vigil emits the first six and
     * PROCESS_ASSET; the others are accepted so Tetragon filter files load unchanged, and simply
     * never match.
     */
    public static final Set<String> KNOWN = Set.of(
            "PROCESS_EXEC", "PROCESS_EXIT", "PROCESS_KPROBE", "PROCESS_TRACEPOINT", "PROCESS_LSM",
            "PROCESS_UPROBE", "PROCESS_ASSET", "PROCESS_USDT", "PROCESS_LOADER", "PROCESS_THROTTLE",
            "RATE_LIMIT_INFO");

    /** The event's type as Tetragon's filters name it, e.g. {@code PROCESS_KPROBE}. */
    public static String of(Event e) {
        return e.body().jsonKey().toUpperCase(Locale.ROOT);
    }
}

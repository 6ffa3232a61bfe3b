package io.vigil.api;

/**
 * The type-specific part of an {@link Event}: one member of Tetragon's {@code GetEventsResponse}
 * oneof (api/v1/tetragon/events.proto). Each type is written under its own JSON key; process_kprobe,
 * process_tracepoint and process_lsm join this list as records of their own.
 */
public sealed interface EventBody permits ProcessExec, ProcessExit {

    /** The oneof member's name: the event's top-level JSON key, e.g. {@code process_exec}. */
    String jsonKey();

    /** The process the event is about. */
    ProcessInfo process();
}

package io.vigil.api;

/**
 * The type-specific part of an {@link Event}: one member of Tetragon's {@code GetEventsResponse}
 * oneof (api/v1/tetragon/events.proto). Each type is written under its own JSON key. The policy
 * events (process_kprobe, process_tracepoint, process_lsm) are the {@link PolicyEvent}s; {@link ExportLoss}
 * is the agent's own alert.
 */
public sealed interface EventBody permits ProcessExec, ProcessExit, PolicyEvent, ProcessAsset, ExportLoss {

    /** The oneof member's name: the event's top-level JSON key, e.g. {@code process_exec}. */
    String jsonKey();

    /** The process the event is about; null for the agent's own alerts ({@link ExportLoss}). */
    ProcessInfo process();
}

package io.vigil.enforcement.fanotify;

/** Receives every answered event, after the answer was written. Exceptions are logged and dropped. */
@FunctionalInterface
public interface GuardListener {
    GuardListener NONE = e -> {};

    void onEvent(GuardEvent event);
}

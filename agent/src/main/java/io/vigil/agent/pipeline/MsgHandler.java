package io.vigil.agent.pipeline;

import io.vigil.api.Event;
import io.vigil.bpf.wire.Msg;
import java.util.function.Consumer;

/** The enrich stage as the pipeline sees it: decoded records in, events out. Runs on one thread. */
public interface MsgHandler {
    void handle(Msg msg, Consumer<Event> out);

    /** Called between batches and at least every tick interval: retry parked work, collect garbage. */
    void tick(long nowNanos, Consumer<Event> out);
}

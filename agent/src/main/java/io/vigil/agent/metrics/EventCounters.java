package io.vigil.agent.metrics;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.PolicyEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sink that counts what reaches the sinks: events by type, and policy events by policy and the
 * action taken. Written by the sink thread, read by metric scrapes.
 */
public final class EventCounters implements EventSink {
    /** (policy, action) of a policy event. */
    public record PolicyAction(String policy, String action) {}

    private final Map<String, LongAdder> byType = new ConcurrentHashMap<>();
    private final Map<PolicyAction, LongAdder> byPolicyAction = new ConcurrentHashMap<>();

    @Override
    public void accept(Event event) {
        byType.computeIfAbsent(event.body().jsonKey(), k -> new LongAdder()).increment();
        if (event.body() instanceof PolicyEvent p) {
            byPolicyAction.computeIfAbsent(new PolicyAction(p.policyName(), p.action().name()), k -> new LongAdder())
                    .increment();
        } else if (event.body() instanceof io.vigil.api.ProcessAsset a) {
            byPolicyAction.computeIfAbsent(new PolicyAction(a.policyName(), a.event()), k -> new LongAdder()).increment();
        }
    }

    public Map<String, LongAdder> byType() {
        return byType;
    }

    public Map<PolicyAction, LongAdder> byPolicyAction() {
        return byPolicyAction;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}

package io.vigil.agent.policy.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of the policy events, for `vigil status`.
 *
 * @param hooks          hooks registered now
 * @param events         policy events built
 * @param unknownHook    records of a hook id no loaded hook has (removed while they were in flight): dropped
 * @param unreadableArgs arguments the sensor could not read (sent with their type's empty value)
 * @param badArgs        arguments whose bytes did not fit the hook's type: the event was dropped
 */
public record PolicyEventStats(long hooks, long events, long unknownHook, long unreadableArgs, long badArgs) {

    /** Records that did not become events. */
    public long dropped() {
        return unknownHook + badArgs;
    }

    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("hooks", hooks);
        m.put("events", events);
        m.put("unknown_hook", unknownHook);
        m.put("unreadable_args", unreadableArgs);
        m.put("bad_args", badArgs);
        return m;
    }
}

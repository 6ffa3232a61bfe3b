package io.vigil.agent.policy.events;

import io.vigil.agent.policy.HookDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loaded hooks by id, for turning msg_generic records into events. The policy runtime
 * registers a hook's descriptor before it attaches the hook and unregisters it after detaching,
 * from any thread while the pipeline runs; the enricher thread reads it. Records of a hook removed
 * while they were in flight find no descriptor and are counted ({@link PolicyEventStats#unknownHook}).
 */
public final class HookRegistry {
    private final ConcurrentHashMap<Integer, HookDescriptor> hooks = new ConcurrentHashMap<>();

    /**
     * Adds a hook. Registering the same descriptor twice is a no-op.
     *
     * @throws IllegalStateException when another hook holds the id (ids are unique among loaded hooks)
     */
    public void register(HookDescriptor d) {
        HookDescriptor prev = hooks.putIfAbsent(d.hookId(), d);
        if (prev != null && !prev.equals(d)) {
            throw new IllegalStateException("hook id " + d.hookId() + " is taken by policy " + prev.policyName()
                    + " (" + hookName(prev) + "); cannot register it for " + d.policyName() + " (" + hookName(d) + ")");
        }
    }

    /** Adds every hook of a policy, or none: on a clash the ones added here are taken out again. */
    public void registerAll(Collection<HookDescriptor> ds) {
        List<HookDescriptor> added = new ArrayList<>(ds.size());
        try {
            for (HookDescriptor d : ds) {
                boolean fresh = !hooks.containsKey(d.hookId());
                register(d);
                if (fresh) {
                    added.add(d);
                }
            }
        } catch (IllegalStateException e) {
            added.forEach(d -> hooks.remove(d.hookId(), d));
            throw e;
        }
    }

    /** Removes a hook; false when no hook had that id. */
    public boolean unregister(int hookId) {
        return hooks.remove(hookId) != null;
    }

    public void unregisterAll(Collection<HookDescriptor> ds) {
        for (HookDescriptor d : ds) {
            hooks.remove(d.hookId(), d);
        }
    }

    /** The hook with this id, or null. */
    public HookDescriptor get(int hookId) {
        return hooks.get(hookId);
    }

    public int size() {
        return hooks.size();
    }

    private static String hookName(HookDescriptor d) {
        return d.kind() == HookDescriptor.Kind.TRACEPOINT ? d.subsystem() + "/" + d.event() : d.functionName();
    }
}

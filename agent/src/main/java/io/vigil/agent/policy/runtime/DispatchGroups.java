package io.vigil.agent.policy.runtime;

import io.vigil.agent.pins.LinkPins;
import io.vigil.agent.pins.PinGroup;
import io.vigil.agent.policy.compile.DispatchGates;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.generic.DispatchGroup;
import io.vigil.bpf.generic.GenericHookLoader;
import io.vigil.bpf.generic.HookImage;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The installer's dispatchers, one per syscall enter tracepoint (bpf_generic_dispatch.c). A hook
 * joins its tracepoint's group; when that group already has 32 members it is loaded standalone
 * (empty result). With --keep-sensors-on-exit the dispatcher's link and prog array are pinned (the
 * members need no pin: the prog array holds them).
 */
final class DispatchGroups {
    private final GenericHookLoader loader;
    private final LinkPins pins;
    private final Map<String, DispatchGroup> groups = new HashMap<>();
    private final Map<DispatchGroup, PinGroup> pinned = new IdentityHashMap<>();
    private int serial;

    DispatchGroups(GenericHookLoader loader, LinkPins pins) {
        this.loader = loader;
        this.pins = pins;
    }

    /** The hook as a member of its tracepoint's dispatcher, or empty when that one is full. */
    Optional<DispatchGroup.Member> join(HookImage image, DispatchGates.Dispatch d) throws BpfException {
        DispatchGroup g = groups.get(d.tracepoint());
        if (g != null && g.size() == 0) {
            groups.remove(d.tracepoint());   // its last member left: closed
            g = null;
        }
        if (g == null) {
            g = DispatchGroup.open(d.tracepoint(), loader, lifecycle());
            groups.put(d.tracepoint(), g);
        }
        if (g.full()) {
            return Optional.empty();
        }
        try {
            return Optional.of(g.join(image, d.gate(), d.ctxOff()));
        } catch (BpfException | RuntimeException e) {
            if (g.size() == 0) {
                g.close();
                groups.remove(d.tracepoint());
            }
            throw e;
        }
    }

    private DispatchGroup.Lifecycle lifecycle() {
        return new DispatchGroup.Lifecycle() {
            @Override
            public void attached(DispatchGroup g) throws BpfException {
                String event = g.tracepoint().substring(g.tracepoint().indexOf('/') + 1);
                PinGroup p = pins.group("dispatch-" + event + "-" + serial++);
                pinned.put(g, p);
                p.pin(g.link(), "dispatch-" + event);
                p.pin(g.progs(), "progs-" + event);
            }

            @Override
            public void closing(DispatchGroup g) {
                PinGroup p = pinned.remove(g);
                if (p != null) {
                    p.release();   // no-op when the agent exits with its sensors kept
                }
            }

            @Override
            public boolean exiting() {
                return pins.exiting();
            }
        };
    }
}

package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.generic.HookImage;
import io.vigil.policy.HookSpec;
import java.util.Optional;

/**
 * One hook ready to load (image) and to decode (descriptor); both carry the same hook id. spec is
 * the policy's hook it came from (fanotify hooks evaluate its selectors in the agent). dispatch:
 * present when the hook may run as a member of its tracepoint's dispatcher (DispatchGates).
 */
public record CompiledHook(HookImage image, HookDescriptor descriptor, HookSpec spec, Optional<DispatchGates.Dispatch> dispatch) {
    public CompiledHook(HookImage image, HookDescriptor descriptor, HookSpec spec) {
        this(image, descriptor, spec, Optional.empty());
    }
}

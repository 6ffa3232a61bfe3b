package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.generic.HookImage;

/** One hook ready to load (image) and to decode (descriptor); both carry the same hook id. */
public record CompiledHook(HookImage image, HookDescriptor descriptor) {}

package io.vigil.agent.sensors;

import io.vigil.bpf.Backend;
import java.util.Map;

/**
 * One base sensor: its BPF object (one C file per sensor in kprobe-bpf/src/main/bpf) and the
 * program that implements it on each attach backend.
 */
public record SensorSpec(String name, String object, Map<Backend, String> programs) {
    public SensorSpec {
        programs = Map.copyOf(programs);
        if (!programs.containsKey(Backend.TRACEPOINT)) {
            throw new IllegalArgumentException(name + ": every sensor needs a tracepoint variant to fall back to");
        }
    }

    public String program(Backend backend) {
        return programs.getOrDefault(backend, programs.get(Backend.TRACEPOINT));
    }
}

package io.vigil.agent.sensors;

import io.vigil.bpf.Backend;

/** What is running for one sensor: the program, its backend, and why it fell back if it did. */
public record AttachedSensor(String sensor, String program, Backend backend, String fallbackReason) {
}

package io.vigil.agent;

import io.vigil.bpf.Backend;
import java.util.Optional;

/**
 * How the agent runs. Defaults suit a host: 64k records queued between the ring buffer and the
 * decoder, 64k events before the sinks, a 10 ms poll.
 *
 * @param backend     forced attach backend, or empty to take the feature probe's choice
 * @param nodeName    the node_name of events and the first part of exec_ids
 * @param seedProcFs  read /proc at start-up for the processes already running
 * @param keepSensorsOnExit pin every BPF link under pinRoot so enforcement outlives the agent (Tetragon's flag; off by default)
 * @param pinRoot     the bpffs directory for those pins, and where a starting agent looks for an earlier run's
 */
public record AgentConfig(Optional<Backend> backend, String nodeName, int rawQueueCapacity, int sinkQueueCapacity,
                          int pollMillis, boolean seedProcFs, boolean keepSensorsOnExit, java.nio.file.Path pinRoot) {
    public static final java.nio.file.Path DEFAULT_PIN_ROOT = java.nio.file.Path.of("/sys/fs/bpf/vigil/links");

    public static AgentConfig defaults() {
        return new AgentConfig(Optional.empty(), hostName(), 65536, 65536, 10, true, false, DEFAULT_PIN_ROOT);
    }

    public AgentConfig withBackend(Optional<Backend> b) {
        return new AgentConfig(b, nodeName, rawQueueCapacity, sinkQueueCapacity, pollMillis, seedProcFs, keepSensorsOnExit, pinRoot);
    }

    public AgentConfig withNodeName(String n) {
        return new AgentConfig(backend, n, rawQueueCapacity, sinkQueueCapacity, pollMillis, seedProcFs, keepSensorsOnExit, pinRoot);
    }

    public AgentConfig withQueues(int raw, int sink) {
        return new AgentConfig(backend, nodeName, raw, sink, pollMillis, seedProcFs, keepSensorsOnExit, pinRoot);
    }

    public AgentConfig withPins(boolean keep, java.nio.file.Path root) {
        return new AgentConfig(backend, nodeName, rawQueueCapacity, sinkQueueCapacity, pollMillis, seedProcFs, keep, root);
    }

    /** The kernel's hostname, as Tetragon's node_name defaults to. */
    public static String hostName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}

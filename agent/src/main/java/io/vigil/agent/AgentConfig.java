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
 */
public record AgentConfig(Optional<Backend> backend, String nodeName, int rawQueueCapacity, int sinkQueueCapacity,
                          int pollMillis, boolean seedProcFs) {
    public static AgentConfig defaults() {
        return new AgentConfig(Optional.empty(), hostName(), 65536, 65536, 10, true);
    }

    public AgentConfig withBackend(Optional<Backend> b) {
        return new AgentConfig(b, nodeName, rawQueueCapacity, sinkQueueCapacity, pollMillis, seedProcFs);
    }

    public AgentConfig withNodeName(String n) {
        return new AgentConfig(backend, n, rawQueueCapacity, sinkQueueCapacity, pollMillis, seedProcFs);
    }

    public AgentConfig withQueues(int raw, int sink) {
        return new AgentConfig(backend, nodeName, raw, sink, pollMillis, seedProcFs);
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

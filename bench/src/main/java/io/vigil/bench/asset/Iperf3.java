package io.vigil.bench.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** iperf3 (apt package iperf3): the server in the namespace, TCP clients on the host with -J. */
final class Iperf3 {
    static final int PORT = 5201;

    /** What one client run reports (-J: end.sum_received, end.sum_sent, end.cpu_utilization_percent). */
    record Result(double receivedBitsPerSecond, long retransmits, double hostCpuPercent, double remoteCpuPercent) {
        double gbps() {
            return receivedBitsPerSecond / 1e9;
        }
    }

    private Iperf3() {}

    static boolean installed() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, "iperf3"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts {@code iperf3 -s} bound to addr in the namespace and waits until it listens. Its
     * reports go to a file, so that no pipe fills up over many runs.
     */
    static Process startServer(BenchNetns ns, String addr, Path log) throws IOException, InterruptedException {
        Process p = ns.command(List.of("iperf3", "-s", "-B", addr, "-p", String.valueOf(PORT), "--forceflush"))
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("Server listening")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("iperf3 -s did not start listening: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return p;
    }

    /** The client command for a TCP run of the given seconds to addr. */
    static List<String> clientCommand(String addr, int seconds) {
        return List.of("iperf3", "-c", addr, "-p", String.valueOf(PORT), "-t", String.valueOf(seconds), "-J");
    }

    /** Runs an untainted client to its end. */
    static Result run(String addr, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(clientCommand(addr, seconds)).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return finish(p);
    }

    /**
     * A client that will run as the process with pid {@link Process#pid()}: a shell waits for a line
     * on its stdin, then execs iperf3 (same pid, so a taint written in between follows the exec).
     * {@link #go} lets it start.
     */
    static Process startHeld(String addr, int seconds) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "read go && exec \"$@\"", "held"));
        cmd.addAll(clientCommand(addr, seconds));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static Result go(Process held) throws IOException, InterruptedException {
        try (OutputStream in = held.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
        return finish(held);
    }

    private static Result finish(Process p) throws IOException, InterruptedException {
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("iperf3 -c did not end");
        }
        JsonNode root = new ObjectMapper().readTree(json);
        if (p.exitValue() != 0 || root.hasNonNull("error")) {
            throw new IOException("iperf3 -c exited with " + p.exitValue() + ": " + root.path("error").asText(json));
        }
        JsonNode end = root.path("end");
        return new Result(end.path("sum_received").path("bits_per_second").asDouble(),
                end.path("sum_sent").path("retransmits").asLong(),
                end.path("cpu_utilization_percent").path("host_total").asDouble(),
                end.path("cpu_utilization_percent").path("remote_total").asDouble());
    }
}

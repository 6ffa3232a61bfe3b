package io.vigil.bench.asset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The "remote host" of the asset benchmark: network namespace {@value #NAME}, joined to the host by
 * the veth pair vbah0 (host, 10.252.7.1/24) and vbap0 (namespace, 10.252.7.2/24). Copied from the
 * agent's kernel-test NetnsPeer with names of its own, so that it never collides with a kernel test
 * running at the same time. Servers run inside with {@code ip netns exec}, which remounts /sys in
 * its own mount namespace: never attach BPF from there (the bench attaches from the host).
 */
final class BenchNetns implements AutoCloseable {
    static final String NAME = "vigil-bench-asset";
    static final String HOST_VETH = "vbah0";
    static final String PEER_VETH = "vbap0";
    static final String HOST_ADDR = "10.252.7.1";
    static final String PEER_ADDR = "10.252.7.2";

    private BenchNetns() {}

    /** Removes what a killed earlier run left, then creates the namespace and the veth pair. */
    static BenchNetns create() throws IOException, InterruptedException {
        removeLeftovers();
        BenchNetns n = new BenchNetns();
        try {
            sh("ip netns add " + NAME);
            sh("ip link add " + HOST_VETH + " type veth peer name " + PEER_VETH + " netns " + NAME);
            sh("ip addr add " + HOST_ADDR + "/24 dev " + HOST_VETH);
            sh("ip link set " + HOST_VETH + " up");
            sh("ip -n " + NAME + " addr add " + PEER_ADDR + "/24 dev " + PEER_VETH);
            sh("ip -n " + NAME + " link set " + PEER_VETH + " up");
            sh("ip -n " + NAME + " link set lo up");
            return n;
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    /** A command to run inside the namespace; its stderr goes to ours. */
    ProcessBuilder command(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", NAME));
        all.addAll(cmd);
        return new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    /** Kills what still runs inside (by pid), then deletes the namespace, which takes the veth pair. */
    @Override
    public void close() {
        removeLeftovers();
    }

    static void removeLeftovers() {
        try {
            sh("for p in $(ip netns pids " + NAME + " 2>/dev/null); do kill -9 $p; done; "
                    + "ip netns del " + NAME + " 2>/dev/null; ip link del " + HOST_VETH + " 2>/dev/null; true");
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("BenchNetns: cleaning up " + NAME + " failed: " + e);
        }
    }

    private static void sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("`" + script + "` failed: " + out);
        }
    }
}

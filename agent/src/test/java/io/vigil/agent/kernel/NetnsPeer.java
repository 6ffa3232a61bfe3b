package io.vigil.agent.kernel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A "remote host" for kernel tests: a network namespace the test made, joined to the host by a
 * veth pair, with an IPv4 and an IPv6 address on each end. Commands run inside with
 * {@code ip netns exec} (which remounts /sys in its own mount namespace: never attach BPF from there).
 */
public final class NetnsPeer implements AutoCloseable {
    private final String name;
    private final int subnet;

    private NetnsPeer(String name, int subnet) {
        this.name = name;
        this.subnet = subnet;
    }

    /** Creates namespace vigil-t{subnet}: host 10.251.{subnet}.1 / fd00:251:{subnet}::1, peer .2 / ::2. */
    public static NetnsPeer create(int subnet) throws Exception {
        NetnsPeer p = new NetnsPeer("vigil-t" + subnet, subnet);
        String hv = "vgh" + subnet;
        String pv = "vgp" + subnet;
        sh("ip netns del " + p.name + " 2>/dev/null; ip link del " + hv + " 2>/dev/null; true");
        sh("ip netns add " + p.name);
        sh("ip link add " + hv + " type veth peer name " + pv + " netns " + p.name);
        sh("ip addr add " + p.hostAddr() + "/24 dev " + hv);
        sh("ip addr add " + p.hostAddr6() + "/64 dev " + hv + " nodad");
        sh("ip link set " + hv + " up");
        sh("ip -n " + p.name + " addr add " + p.peerAddr() + "/24 dev " + pv);
        sh("ip -n " + p.name + " addr add " + p.peerAddr6() + "/64 dev " + pv + " nodad");
        sh("ip -n " + p.name + " link set " + pv + " up");
        sh("ip -n " + p.name + " link set lo up");
        return p;
    }

    public String hostAddr() {
        return "10.251." + subnet + ".1";
    }

    public String peerAddr() {
        return "10.251." + subnet + ".2";
    }

    public String hostAddr6() {
        return "fd00:251:" + subnet + "::1";
    }

    public String peerAddr6() {
        return "fd00:251:" + subnet + "::2";
    }

    /** One more IPv4 address on the peer's end (a second "host" behind it). */
    public void addPeerAddress(String addr) throws Exception {
        sh("ip -n " + name + " addr add " + addr + "/24 dev vgp" + subnet);
    }

    /** Starts a command inside the namespace. */
    public Process start(String... cmd) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(List.of(cmd));
        return new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Override
    public void close() throws Exception {
        sh("ip netns del " + name);   // takes the veth pair with it
    }

    private static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("`" + script + "` failed: " + out);
        }
    }
}

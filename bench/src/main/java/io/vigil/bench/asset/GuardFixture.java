package io.vigil.bench.asset;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.FeatureProbe;
import io.vigil.bpf.wire.AssetAbi;
import io.vigil.enforcement.asset.datapath.AssetDatapath;
import io.vigil.enforcement.asset.datapath.PolicyConfig;
import io.vigil.enforcement.asset.datapath.Taint;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The guard as the agent runs it, minus the agent: bpf_asset_guard.c loaded and attached to the
 * cgroup v2 root, one DENY policy with no budget, and its IPv4 allow list. The maps it pins go to a
 * private directory ({@value #PIN_DIR}), removed by {@link #removePins()}.
 */
final class GuardFixture implements AutoCloseable {
    static final Path PIN_DIR = Path.of("/sys/fs/bpf/vigil-bench-asset");
    static final int POLICY = 1;
    /** 0 = no budget: a tainted process's bytes are counted, never cut. */
    static final long NO_BUDGET = 0;

    private final AssetDatapath datapath;
    private final int entries;

    private GuardFixture(AssetDatapath datapath, int entries) {
        this.datapath = datapath;
        this.entries = entries;
    }

    /**
     * Loads and attaches the guard; the policy allows {@code allowed} (a /32, every port) and
     * {@code filler} more distinct entries that match nothing here (see {@link #fillerKey}).
     */
    static GuardFixture load(String allowed, int filler) throws BpfException, IOException {
        AssetDatapath d = AssetDatapath.load(Map.of(), PIN_DIR, FeatureProbe.cgroup2Root());
        try {
            d.putPolicy(POLICY, new PolicyConfig(NO_BUDGET, NO_BUDGET, AssetAbi.Action.DENY));
            BpfMap allow4 = d.map("asset_allow4");
            byte[] anyPort = ports();
            allow4.update(allow4Key(POLICY, InetAddress.getByName(allowed).getAddress(), 32), anyPort);
            for (int i = 0; i < filler; i++) {
                allow4.update(fillerKey(i), ports(443, 8443));
            }
            return new GuardFixture(d, 1 + filler);
        } catch (BpfException | IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Entries written to asset_allow4 for the policy. */
    int entries() {
        return entries;
    }

    /**
     * Filler entry i: alternately a /32 and a /24 in 172.16.0.0/12 and 100.64.0.0/10 (never the
     * peer's 10.252.7.0/24), all distinct, so that the trie holds 10k real prefixes of mixed length.
     */
    static byte[] fillerKey(int i) {
        byte[] a;
        int bits;
        if (i % 2 == 0) {
            int h = i / 2;   // 172.16.0.0 + h, one host each
            a = new byte[] {(byte) 172, (byte) (16 + (h >>> 16)), (byte) (h >>> 8), (byte) h};
            bits = 32;
        } else {
            int h = i / 2;   // 100.64.0.0/10: one /24 each (h < 16384)
            a = new byte[] {100, (byte) (64 + (h >>> 8)), (byte) h, 0};
            bits = 24;
        }
        return allow4Key(POLICY, a, bits);
    }

    /** Taints a running process for the policy, as the agent's fanotify decision would; exec keeps it. */
    void taint(long pid) throws BpfException {
        datapath.taint((int) pid, Taint.of(0, System.nanoTime(), 0x803, 4242, POLICY));
    }

    /** The taint of pid (its counted egress bytes), or null. */
    Taint taintOf(long pid) throws BpfException {
        return datapath.taint((int) pid);
    }

    @Override
    public void close() {
        datapath.close();
    }

    /** Deletes the pin directory and the maps pinned in it. */
    static void removePins() {
        if (!Files.isDirectory(PIN_DIR)) {
            return;
        }
        try (var s = Files.list(PIN_DIR)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(PIN_DIR);
        } catch (IOException e) {
            System.err.println("GuardFixture: cannot remove " + PIN_DIR + ": " + e);
        }
    }

    /** struct asset_allow4_key: prefixlen = 32 (the policy) + CIDR bits, policy big-endian. */
    static byte[] allow4Key(int policy, byte[] addr, int bits) {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.Allow4Key.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(AssetAbi.Allow4Key.PREFIXLEN, 32 + bits);
        b.order(ByteOrder.BIG_ENDIAN).putInt(AssetAbi.Allow4Key.POLICY, policy);
        b.put(AssetAbi.Allow4Key.ADDR, addr);
        return b.array();
    }

    /** struct asset_ports: no ports = every port, any protocol. */
    static byte[] ports(int... ports) {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.Ports.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ports.length; i++) {
            b.putShort(AssetAbi.Ports.PORT + 2 * i, (short) ports[i]);
        }
        b.put(AssetAbi.Ports.COUNT, (byte) ports.length);
        return b.array();
    }
}

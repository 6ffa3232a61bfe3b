package io.vigil.agent.policy.runtime;

import io.vigil.agent.policy.compile.BinaryTableSet;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.wire.Layout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * matchBinaries for processes that were running before the tables that match them were written:
 * the exec sensor only tags a process when it execs, so a daemon started before the policy would
 * never match. After each table change this gives every live process of execve_map the bits its
 * binary (and, for followChildren filters, its ancestors' binaries) earns, in the bin_seed map
 * (lib/execve_map.h), which the sensors OR into the process's own bits and pass on at fork and,
 * for followChildren bits, across exec. Keyed by incarnation: a reused pid never inherits a seed.
 */
final class BinarySeeds {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int MAX_ANCESTORS = 64;

    private final BpfMap execveMap;
    private final BpfMap seeds;
    private final IntFunction<Optional<String>> binaryOf;

    /** @param binaryOf the binary path of a live tgid (e.g. /proc/PID/exe), empty when it is gone */
    BinarySeeds(BpfMap execveMap, BpfMap seeds, IntFunction<Optional<String>> binaryOf) {
        this.execveMap = execveMap;
        this.seeds = seeds;
        this.binaryOf = binaryOf;
    }

    private record Incarnation(int pid, long ktime) {
        byte[] key() {
            return ByteBuffer.allocate(Layout.ExecveKey.SIZEOF).order(LE).putInt(Layout.ExecveKey.PID, pid)
                    .putLong(Layout.ExecveKey.KTIME, ktime).array();
        }

        static Incarnation at(ByteBuffer b, int off) {
            return new Incarnation(b.getInt(off + Layout.ExecveKey.PID), b.getLong(off + Layout.ExecveKey.KTIME));
        }
    }

    private record Proc(Incarnation self, Incarnation parent) {}

    /** Makes bin_seed exactly the seeds these tables give the processes alive now. */
    void write(BinaryTableSet tables) throws BpfException {
        Map<Integer, Proc> procs = new HashMap<>();
        for (Integer tgid : execveMap.intKeys()) {
            byte[] v = execveMap.lookup(tgid);
            if (v != null) {
                ByteBuffer b = ByteBuffer.wrap(v).order(LE);
                procs.put(tgid, new Proc(Incarnation.at(b, Layout.ExecveMapValue.KEY), Incarnation.at(b, Layout.ExecveMapValue.PKEY)));
            }
        }
        Map<Integer, Long> own = new HashMap<>();
        Set<ByteBuffer> keep = new HashSet<>();
        boolean any = !tables.equals(BinaryTableSet.EMPTY);
        for (Map.Entry<Integer, Proc> e : any ? procs.entrySet() : Set.<Map.Entry<Integer, Proc>>of()) {
            long bits = ownBits(e.getKey(), tables, own);
            Proc p = e.getValue();
            for (int i = 0; i < MAX_ANCESTORS && tables.followMask() != 0; i++) {
                Proc parent = procs.get(p.parent().pid());
                if (parent == null || !parent.self().equals(p.parent())) {
                    break;   // the parent is gone or its pid was reused
                }
                bits |= ownBits(p.parent().pid(), tables, own) & tables.followMask();
                p = parent;
            }
            if (bits != 0) {
                byte[] key = e.getValue().self().key();
                seeds.update(key, ByteBuffer.allocate(8).order(LE).putLong(0, bits).array());
                keep.add(ByteBuffer.wrap(key));
            }
        }
        List<byte[]> old = seeds.keys();
        for (byte[] k : old) {
            if (!keep.contains(ByteBuffer.wrap(k))) {
                seeds.delete(k);
            }
        }
    }

    private long ownBits(int tgid, BinaryTableSet tables, Map<Integer, Long> cache) {
        return cache.computeIfAbsent(tgid, t -> binaryOf.apply(t).map(tables::bitsOf).orElse(0L));
    }
}

package io.vigil.agent.asset;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.enforcement.asset.AllowListEncoder;
import io.vigil.enforcement.asset.datapath.AssetDatapath;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The allow-list entries written to the tries, so that a change writes the new ones before it deletes the stale. */
record AllowEntries(Set<ByteBuffer> v4, Set<ByteBuffer> v6) {
    static final AllowEntries NONE = new AllowEntries(Set.of(), Set.of());

    AllowEntries replaceWith(AllowListEncoder.Encoded next, AssetDatapath d) throws BpfException {
        Set<ByteBuffer> n4 = write(d.map("asset_allow4"), next.v4());
        Set<ByteBuffer> n6 = write(d.map("asset_allow6"), next.v6());
        prune(d.map("asset_allow4"), v4, n4);
        prune(d.map("asset_allow6"), v6, n6);
        return new AllowEntries(n4, n6);
    }

    private static Set<ByteBuffer> write(BpfMap m, List<AllowListEncoder.Entry> entries) throws BpfException {
        Set<ByteBuffer> keys = new HashSet<>();
        for (AllowListEncoder.Entry e : entries) {
            m.update(e.key(), e.value());
            keys.add(ByteBuffer.wrap(e.key().clone()));
        }
        return keys;
    }

    private static void prune(BpfMap m, Set<ByteBuffer> old, Set<ByteBuffer> keep) throws BpfException {
        for (ByteBuffer k : old) {
            if (!keep.contains(k)) {
                m.delete(k.array());
            }
        }
    }
}

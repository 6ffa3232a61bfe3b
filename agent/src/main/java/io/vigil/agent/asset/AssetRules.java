package io.vigil.agent.asset;

import io.vigil.policy.asset.AssetProtectionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The asset policies in force, by kernel index (1..63); immutable, swapped whole on a change. */
record AssetRules(Map<Integer, AssetProtectionPolicy> byIndex) {
    static final AssetRules EMPTY = new AssetRules(Map.of());

    AssetRules {
        byIndex = java.util.Collections.unmodifiableMap(new TreeMap<>(byIndex));
    }

    /** The policies one of whose assets is this path, in index order. */
    List<Map.Entry<Integer, AssetProtectionPolicy>> protecting(String path) {
        List<Map.Entry<Integer, AssetProtectionPolicy>> out = new ArrayList<>(1);
        for (Map.Entry<Integer, AssetProtectionPolicy> e : byIndex.entrySet()) {
            if (e.getValue().protects(path)) {
                out.add(e);
            }
        }
        return out;
    }

    String name(int index) {
        AssetProtectionPolicy p = byIndex.get(index);
        return p == null ? "" : p.name();
    }

    boolean isEmpty() {
        return byIndex.isEmpty();
    }
}

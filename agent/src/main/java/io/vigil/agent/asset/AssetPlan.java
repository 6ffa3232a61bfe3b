package io.vigil.agent.asset;

import io.vigil.agent.policy.runtime.PolicyInstallException;
import io.vigil.bpf.wire.AssetAbi;
import io.vigil.enforcement.asset.AllowListEncoder;
import io.vigil.enforcement.asset.AllowRule;
import io.vigil.enforcement.asset.NameRule;
import io.vigil.enforcement.asset.datapath.PolicyConfig;
import io.vigil.policy.asset.AssetPattern;
import io.vigil.policy.asset.AssetProtectionPolicy;
import io.vigil.policy.asset.EgressRule;
import io.vigil.policy.asset.Protocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a set of asset policies asks of the kernel, computed without touching it: a stable index
 * per policy (kept across changes, so that running taints keep pointing at their policy), its
 * configuration, the allow-list entries and the FQDN rules. Fails whole, with the reason.
 */
record AssetPlan(AssetRules rules, Map<String, Integer> indexes, AllowListEncoder.Encoded allow,
                 List<NameRule> nameRules, List<AssetPattern> patterns) {

    static AssetPlan of(Map<Path, List<AssetProtectionPolicy>> byFile, Map<String, Integer> previous)
            throws PolicyInstallException {
        Map<String, AssetProtectionPolicy> byName = new LinkedHashMap<>();
        for (Map.Entry<Path, List<AssetProtectionPolicy>> f : byFile.entrySet()) {
            for (AssetProtectionPolicy p : f.getValue()) {
                if (byName.putIfAbsent(p.name(), p) != null) {
                    throw new PolicyInstallException(where(p) + ": asset policy " + p.name()
                            + " is already in force from another file; names are unique");
                }
            }
        }
        Map<String, Integer> indexes = new LinkedHashMap<>();
        TreeSet<Integer> free = new TreeSet<>();
        for (int i = 1; i < AssetAbi.MAX_POLICIES; i++) {
            free.add(i);
        }
        for (String name : byName.keySet()) {
            Integer old = previous.get(name);
            if (old != null) {
                indexes.put(name, old);
                free.remove(old);
            }
        }
        for (AssetProtectionPolicy p : byName.values()) {
            if (!indexes.containsKey(p.name())) {
                if (free.isEmpty()) {
                    throw new PolicyInstallException(where(p) + ": at most " + (AssetAbi.MAX_POLICIES - 1)
                            + " asset policies can be in force");
                }
                indexes.put(p.name(), free.pollFirst());
            }
        }
        Map<Integer, AssetProtectionPolicy> byIndex = new LinkedHashMap<>();
        List<AllowRule> allow = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        List<AssetPattern> patterns = new ArrayList<>();
        for (AssetProtectionPolicy p : byName.values()) {
            int idx = indexes.get(p.name());
            byIndex.put(idx, p);
            patterns.addAll(p.assets());
            for (EgressRule r : p.egress()) {
                int proto = protoBits(r.protocol());
                if (r.cidr().isPresent()) {
                    allow.add(new AllowRule(idx, r.cidr().get().address(), r.cidr().get().prefixLength(), r.ports(), proto));
                } else {
                    var pattern = r.fqdnPattern().orElseThrow();
                    names.add(new NameRule(idx, pattern::matches, r.ports(), proto));
                }
            }
        }
        AllowListEncoder.Encoded encoded;
        try {
            encoded = AllowListEncoder.encode(allow);
        } catch (IllegalArgumentException e) {
            throw new PolicyInstallException("the egress allow lists cannot be encoded: " + e.getMessage());
        }
        return new AssetPlan(new AssetRules(byIndex), indexes, encoded, names, patterns);
    }

    static List<AssetPattern> patternsOf(Map<Path, List<AssetProtectionPolicy>> byFile) {
        return byFile.values().stream().flatMap(List::stream).flatMap(p -> p.assets().stream()).toList();
    }

    PolicyConfig config(AssetProtectionPolicy p) {
        return new PolicyConfig(p.budget().bytesPerProcess(), p.budget().bytesPerDestination(),
                AssetDecider.code(p.action()));
    }

    static int protoBits(Protocol p) {
        return switch (p) {
            case TCP -> AssetAbi.PROTO_TCP;
            case UDP -> AssetAbi.PROTO_UDP;
            case ANY -> 0;
        };
    }

    private static String where(AssetProtectionPolicy p) {
        return p.location().file() + ":" + p.location().line() + ":" + p.location().column();
    }
}

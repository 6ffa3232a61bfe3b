package io.vigil.enforcement.asset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answer records → the addresses of the question: follow the CNAMEs from the question's name and
 * keep the A/AAAA records owned by a name on that chain, each with every name of the chain up to
 * its owner and the smallest TTL on the way. Records off the chain are dropped: nothing asked for
 * them, so a name match on them would let a resolver allow what the process never looked up.
 */
final class AnswerChain {
    private AnswerChain() {}

    private record Reach(Set<String> names, long ttl) {}

    static List<DnsAnswer.Address> resolve(String question, List<DnsRecord> records) {
        Map<String, DnsRecord> aliases = new HashMap<>();
        for (DnsRecord r : records) {
            if (r.cname() != null) {
                aliases.putIfAbsent(r.owner(), r); // two CNAMEs for one owner are invalid; the first wins
            }
        }
        Map<String, Reach> reach = new HashMap<>();
        Set<String> names = new LinkedHashSet<>();
        names.add(question);
        long ttl = Long.MAX_VALUE;
        reach.put(question, new Reach(Set.copyOf(names), ttl));
        for (DnsRecord alias = aliases.get(question); alias != null; alias = aliases.get(alias.cname())) {
            if (reach.containsKey(alias.cname())) {
                break; // a CNAME loop
            }
            names.add(alias.cname());
            ttl = Math.min(ttl, alias.ttlSeconds());
            reach.put(alias.cname(), new Reach(Set.copyOf(names), ttl));
        }
        Map<String, DnsAnswer.Address> byAddress = new LinkedHashMap<>();
        for (DnsRecord r : records) {
            Reach via = r.address() == null ? null : reach.get(r.owner());
            if (via == null) {
                continue;
            }
            DnsAnswer.Address a = new DnsAnswer.Address(r.address(), via.names(), Math.min(via.ttl(), r.ttlSeconds()));
            byAddress.merge(Hex.of(r.address()), a, AnswerChain::both);
        }
        return new ArrayList<>(byAddress.values());
    }

    /** The same address under two names of the chain answers for both, as long as the shorter TTL. */
    private static DnsAnswer.Address both(DnsAnswer.Address a, DnsAnswer.Address b) {
        Set<String> names = new LinkedHashSet<>(a.names());
        names.addAll(b.names());
        return new DnsAnswer.Address(a.address(), names, Math.min(a.ttlSeconds(), b.ttlSeconds()));
    }
}

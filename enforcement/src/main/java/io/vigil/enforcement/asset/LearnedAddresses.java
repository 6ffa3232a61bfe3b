package io.vigil.enforcement.asset;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Fills asset_learned from DNS answers: an address of a name a policy allows becomes an entry
 * (policy, address) with that rule's ports, until now + TTL on the boot clock. Not thread-safe:
 * one loop calls {@link #onAnswer} and {@link #expire}; {@link #counters()} may be read anywhere.
 *
 * <p>One entry per (policy, address): when several rules of a policy match, or a live entry is
 * learned again through another name, the ports are merged and the later expiry kept. That can
 * admit a port a little longer than its own name's TTL, never a port no rule of the policy names.
 */
public final class LearnedAddresses {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /**
     * Bounds on the TTL an entry lives for. The floor lets a client that connects after a TTL-0
     * answer through; the cap bounds how long an address stays allowed after a name moves away
     * from it (shared CDN addresses).
     */
    public record TtlBounds(Duration floor, Duration cap) {
        /** Floor 0 (the answer's TTL as is), cap one hour. */
        public static final TtlBounds DEFAULT = new TtlBounds(Duration.ZERO, Duration.ofHours(1));

        public TtlBounds {
            if (floor.isNegative() || floor.compareTo(cap) > 0) {
                throw new IllegalArgumentException("TTL floor " + floor + " must be between 0 and the cap " + cap);
            }
        }

        long apply(long ttlSeconds) {
            return Math.max(floor.toSeconds(), Math.min(cap.toSeconds(), ttlSeconds));
        }
    }

    private record Key(int policy, String address) {}

    private record Learned(byte[] key, long expires, PortSet ports) {}

    private final Map<Integer, List<NameRule>> rulesByPolicy = new TreeMap<>();
    private final TtlBounds ttl;
    private final LongSupplier bootNanos;
    private final LearnedMap map;
    private final Map<Key, Learned> entries = new HashMap<>();
    private final LearnedCounters counters = new LearnedCounters();

    /**
     * @param bootNanos the clock asset_learned expiries are on: bpf_ktime_get_boot_ns (CLOCK_BOOTTIME)
     * @throws IllegalArgumentException when the rules of one policy name more than 16 ports in
     *     all, as a merged entry could then not hold them
     */
    public LearnedAddresses(List<NameRule> rules, TtlBounds ttl, LongSupplier bootNanos, LearnedMap map) {
        for (NameRule r : rules) {
            rulesByPolicy.computeIfAbsent(r.policy(), p -> new ArrayList<>()).add(r);
        }
        rulesByPolicy.forEach((policy, list) -> {
            PortSet all = allPorts(list);
            if (all.ports().size() > AllowRule.MAX_PORTS) {
                throw new IllegalArgumentException("policy " + policy + ": its name rules name " + all.ports().size()
                        + " ports " + all.ports() + " in all; an address learned through several of them holds at most "
                        + AllowRule.MAX_PORTS + " (allow fewer ports, or any port)");
            }
        });
        this.ttl = ttl;
        this.bootNanos = bootNanos;
        this.map = map;
    }

    /** Learn the addresses of an answer for every policy whose rules allow one of their names. */
    public void onAnswer(DnsAnswer answer) {
        long now = bootNanos.getAsLong();
        boolean allowed = false;
        for (DnsAnswer.Address a : answer.addresses()) {
            for (Map.Entry<Integer, List<NameRule>> policy : rulesByPolicy.entrySet()) {
                PortSet ports = matchingPorts(policy.getValue(), a);
                if (ports == null) {
                    continue;
                }
                allowed = true;
                long seconds = ttl.apply(a.ttlSeconds());
                if (seconds == 0) {
                    counters.zeroTtl.increment();
                    continue;
                }
                learn(policy.getKey(), a.address(), now, now + seconds * NANOS_PER_SECOND, ports);
            }
        }
        if (!allowed) {
            counters.ignored.increment();
        }
    }

    /** Delete the entries past their expiry; the kernel refuses them anyway, this keeps the map small. */
    public void expire() {
        long now = bootNanos.getAsLong();
        for (Iterator<Learned> it = entries.values().iterator(); it.hasNext(); ) {
            Learned l = it.next();
            if (expired(l, now)) {
                map.delete(l.key());
                it.remove();
                counters.expired.increment();
            }
        }
    }

    public LearnedCounters counters() {
        return counters;
    }

    /** Entries the map holds, as far as this knows. */
    public int size() {
        return entries.size();
    }

    private void learn(int policy, byte[] address, long now, long expires, PortSet ports) {
        Key k = new Key(policy, Hex.of(address));
        Learned old = entries.get(k);
        if (old != null && !expired(old, now)) {
            expires = Math.max(expires, old.expires());
            ports = ports.union(old.ports());
            if (expires == old.expires() && ports.equals(old.ports())) {
                return; // the map already says this
            }
        }
        Learned l = new Learned(old != null ? old.key() : LearnedEntry.key(policy, address), expires, ports);
        map.put(l.key(), LearnedEntry.value(expires, ports));
        entries.put(k, l);
        (old == null ? counters.learned : counters.refreshed).increment();
    }

    /** asset_abi.h: expires is the time after which the entry no longer allows. */
    private static boolean expired(Learned l, long now) {
        return now > l.expires();
    }

    private static PortSet matchingPorts(List<NameRule> rules, DnsAnswer.Address a) {
        PortSet ports = null;
        for (NameRule r : rules) {
            if (a.names().stream().anyMatch(r.names()::matches)) {
                PortSet p = PortSet.of(r.ports(), r.protoBits());
                ports = ports == null ? p : ports.union(p);
            }
        }
        return ports;
    }

    private static PortSet allPorts(List<NameRule> rules) {
        PortSet all = null;
        for (NameRule r : rules) {
            PortSet p = PortSet.of(r.ports(), r.protoBits());
            all = all == null ? p : all.union(p);
        }
        return all;
    }
}

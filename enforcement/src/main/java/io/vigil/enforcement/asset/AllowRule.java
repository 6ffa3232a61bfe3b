package io.vigil.enforcement.asset;

import io.vigil.bpf.wire.AssetAbi;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One static allow entry of a policy: a tainted process of {@code policy} may reach
 * {@code address/prefixLength} on {@code ports} (empty = any) with the protocols {@code protoBits}
 * (0 = any, {@link #TCP}, {@link #UDP}, or both).
 *
 * @param address 4 (IPv4) or 16 (IPv6) bytes, network order; host bits may be set, the encoder
 *     clears them
 */
public record AllowRule(int policy, byte[] address, int prefixLength, Set<Integer> ports, int protoBits) {
    /** VIGIL_ASSET_PROTO_TCP. */
    public static final int TCP = AssetAbi.PROTO_TCP;
    /** VIGIL_ASSET_PROTO_UDP. */
    public static final int UDP = AssetAbi.PROTO_UDP;
    /** VIGIL_ASSET_MAX_POLICIES: a policy index is below it. */
    public static final int MAX_POLICIES = AssetAbi.MAX_POLICIES;
    /** VIGIL_ASSET_MAX_PORTS: ports one map entry can hold. */
    public static final int MAX_PORTS = AssetAbi.MAX_PORTS;

    public AllowRule {
        if (address == null || (address.length != 4 && address.length != 16)) {
            throw new IllegalArgumentException("address must be 4 (IPv4) or 16 (IPv6) bytes");
        }
        address = address.clone();
        if (prefixLength < 0 || prefixLength > address.length * 8) {
            throw new IllegalArgumentException(
                    "prefix length " + prefixLength + " outside 0.." + address.length * 8 + " for " + AddressText.of(address));
        }
        ports = checked(policy, ports, protoBits, AddressText.of(address) + "/" + prefixLength);
    }

    /** The policy, ports and protocols checked against asset_abi.h; the ports as an unmodifiable sorted copy. */
    static Set<Integer> checked(int policy, Set<Integer> ports, int protoBits, String what) {
        if (policy < 0 || policy >= MAX_POLICIES) {
            throw new IllegalArgumentException(what + ": policy index " + policy + " outside 0.." + (MAX_POLICIES - 1));
        }
        Set<Integer> sorted = Collections.unmodifiableSet(new TreeSet<>(ports));
        for (int p : sorted) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException(what + ": port " + p + " outside 1..65535");
            }
        }
        if (sorted.size() > MAX_PORTS) {
            throw new IllegalArgumentException(what + " names " + sorted.size() + " ports; an allow entry holds at most "
                    + MAX_PORTS + " (split it over prefixes or allow any port)");
        }
        if ((protoBits & ~(TCP | UDP)) != 0) {
            throw new IllegalArgumentException(what + ": protoBits " + protoBits + ", only TCP (1) and UDP (2) exist, 0 = any");
        }
        return sorted;
    }

    /** A copy: the record keeps its own. */
    @Override
    public byte[] address() {
        return address.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllowRule r && policy == r.policy && Arrays.equals(address, r.address)
                && prefixLength == r.prefixLength && ports.equals(r.ports) && protoBits == r.protoBits;
    }

    @Override
    public int hashCode() {
        return Objects.hash(policy, Arrays.hashCode(address), prefixLength, ports, protoBits);
    }

    @Override
    public String toString() {
        return "AllowRule[policy=" + policy + ", " + AddressText.of(address) + "/" + prefixLength + ", ports="
                + (ports.isEmpty() ? "any" : ports) + ", protoBits=" + protoBits + "]";
    }
}

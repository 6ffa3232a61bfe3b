package io.vigil.enforcement.asset;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The addresses a DNS answer gives for its question.
 *
 * @param queriedName the question's name, lower case, no trailing dot
 * @param addresses A and AAAA records reachable from the question through CNAMEs, in answer order
 */
public record DnsAnswer(String queriedName, List<Address> addresses) {
    public DnsAnswer {
        addresses = List.copyOf(addresses);
    }

    /**
     * One address of the answer.
     *
     * @param address 4 (A) or 16 (AAAA) bytes, network order
     * @param names every name it answers for: the question, the CNAME targets on the way, and the
     *     owner of the A/AAAA record
     * @param ttlSeconds the smallest TTL of the records on that chain
     */
    public record Address(byte[] address, Set<String> names, long ttlSeconds) {
        public Address {
            address = address.clone();
            names = Set.copyOf(names);
        }

        @Override
        public byte[] address() {
            return address.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && Arrays.equals(address, a.address) && names.equals(a.names)
                    && ttlSeconds == a.ttlSeconds;
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(address) * 31 + names.hashCode()) * 31 + Long.hashCode(ttlSeconds);
        }

        @Override
        public String toString() {
            return AddressText.of(address) + " " + names + " ttl=" + ttlSeconds;
        }
    }
}

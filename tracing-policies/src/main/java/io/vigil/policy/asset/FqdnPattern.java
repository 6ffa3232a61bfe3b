// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A DNS name pattern with Cilium's {@code toFQDNs.matchPattern} semantics
 * (https://docs.cilium.io/en/stable/security/policy/language/#dns-based, and
 * pkg/fqdn/matchpattern in Cilium): {@code *} alone matches every name; anywhere else it matches zero
 * or more DNS characters within one label and never crosses a dot, so {@code *.example.com} matches
 * {@code api.example.com} but neither {@code example.com} nor {@code a.b.example.com}. Names and
 * patterns compare lower-cased, with the trailing dot ignored.
 *
 * @param pattern lower-cased, without a trailing dot
 */
public record FqdnPattern(String pattern) {

    /** Cilium's allowed matchPattern characters (the '*' is a literal here). */
    private static final Pattern ALLOWED = Pattern.compile("[-a-z0-9_.*]+");
    private static final String DNS_CHARS = "[-a-z0-9_]";
    /** RFC 1035: a name is at most 253 characters written without the trailing dot. */
    private static final int MAX_LENGTH = 253;

    public FqdnPattern {
        String problem = problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Normalises (lower case, no trailing dot) and checks a pattern as written in a policy.
     *
     * @throws IllegalArgumentException with what is wrong, for the policy error
     */
    public static FqdnPattern compile(String written) {
        String p = written.toLowerCase(Locale.ROOT);
        return new FqdnPattern(p.endsWith(".") && p.length() > 1 ? p.substring(0, p.length() - 1) : p);
    }

    public boolean matches(String dnsName) {
        String name = dnsName.toLowerCase(Locale.ROOT);
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (pattern.equals("*")) {
            return name.matches("(" + DNS_CHARS + "+\\.)*" + DNS_CHARS + "+");
        }
        return name.matches(pattern.replace(".", "\\.").replace("*", DNS_CHARS + "*"));
    }

    public boolean isWildcard() {
        return pattern.indexOf('*') >= 0;
    }

    private static String problem(String p) {
        if (p.isEmpty()) {
            return "fqdn must not be empty";
        }
        if (!ALLOWED.matcher(p).matches()) {
            return "fqdn '" + p + "' may hold only lower-case letters, digits, '-', '_', '.' and the wildcard '*'";
        }
        if (p.startsWith(".") || p.endsWith(".") || p.contains("..")) {
            return "fqdn '" + p + "' has an empty label (a leading dot or '..')";
        }
        if (p.contains("**")) {
            return "fqdn '" + p + "' has '**': '*' never crosses a dot, so write one '*' per label";
        }
        if (p.length() > MAX_LENGTH) {
            return "fqdn '" + p + "' is longer than a DNS name may be (" + MAX_LENGTH + " characters)";
        }
        return null;
    }
}

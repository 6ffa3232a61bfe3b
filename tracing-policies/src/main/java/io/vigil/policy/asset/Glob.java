// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The path globs of {@code assets}: absolute, '/'-separated; {@code **} as a whole segment is any
 * number of directories (at least one name when it ends the glob), {@code *} any characters within
 * one name, {@code ?} one character. Nothing else is special, and characters that are special in
 * other glob dialects ({@code [ ] { } \}) are refused rather than read differently than meant.
 */
final class Glob {

    private Glob() {}

    /** Why {@code glob} is not a valid asset glob, or empty when it is. */
    static Optional<String> problem(String glob) {
        if (!glob.startsWith("/")) {
            return Optional.of("asset path '" + glob + "' must be absolute (start with '/')");
        }
        if (glob.length() > 1 && glob.endsWith("/")) {
            return Optional.of("asset path '" + glob + "' ends with '/': write '" + glob + "**' for everything under it");
        }
        for (String segment : segments(glob)) {
            if (segment.isEmpty()) {
                return Optional.of("asset path '" + glob + "' has an empty name ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("asset path '" + glob + "' has '" + segment + "': write the path without it");
            }
            if (segment.contains("**") && !segment.equals("**")) {
                return Optional.of("asset path '" + glob + "' has '**' inside a name: write '/**/' or '*'");
            }
            for (char c : "[]{}\\".toCharArray()) {
                if (segment.indexOf(c) >= 0) {
                    return Optional.of("asset path '" + glob + "' has '" + c + "', which is not a wildcard here;"
                            + " only '**', '*' and '?' are");
                }
            }
        }
        return Optional.empty();
    }

    static Pattern regex(String glob) {
        StringBuilder re = new StringBuilder();
        String[] segments = segments(glob);
        for (int i = 0; i < segments.length; i++) {
            boolean last = i == segments.length - 1;
            if (segments[i].equals("**")) {
                re.append(last ? "(?:/[^/]+)+" : "(?:/[^/]+)*"); // in the middle it may be no directory at all
            } else {
                re.append('/').append(name(segments[i]));
            }
        }
        return Pattern.compile(re.length() == 0 ? "/" : re.toString());
    }

    /** The leading names without a wildcard: the directory tree the agent marks. */
    static String fixedPrefix(String glob) {
        StringBuilder out = new StringBuilder();
        for (String segment : segments(glob)) {
            if (segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0) {
                break;
            }
            out.append('/').append(segment);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    private static String[] segments(String glob) {
        return glob.equals("/") ? new String[0] : glob.substring(1).split("/", -1);
    }

    private static String name(String segment) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : segment.toCharArray()) {
            if (c == '*' || c == '?') {
                re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                re.append(c == '*' ? "[^/]*" : "[^/]");
            } else {
                literal.append(c);
            }
        }
        return re.append(Pattern.quote(literal.toString())).toString();
    }
}

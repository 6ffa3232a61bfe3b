// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.Spelled;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Finds enum constants by their Tetragon spelling, and lists the spellings for messages. */
public final class Spellings {

    private Spellings() {}

    /** Exact match, as Tetragon's CRD schema checks enums. */
    public static <E extends Enum<E> & Spelled> Optional<E> lookup(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.spelling().equals(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** A constant spelled the same but for letter case: the hint for a near miss. */
    public static <E extends Enum<E> & Spelled> Optional<E> ignoringCase(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.spelling().equalsIgnoreCase(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** "Equal, NotEqual, Prefix, ..." in declaration order. */
    public static <E extends Enum<E> & Spelled> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Spelled::spelling).collect(Collectors.joining(", "));
    }
}

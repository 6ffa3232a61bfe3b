// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal.yaml;

import java.util.Comparator;

/** A place in a YAML file, 1-based line and column (as Jackson's {@code JsonLocation} reports them). */
public record Position(int line, int column) implements Comparable<Position> {

    /** Where a problem about the whole file is reported (unreadable file, no policy in it). */
    public static final Position FILE = new Position(1, 1);

    private static final Comparator<Position> ORDER =
            Comparator.comparingInt(Position::line).thenComparingInt(Position::column);

    @Override
    public int compareTo(Position other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.OptionalInt;

/**
 * A filter on one argument ({@code matchArgs[]}, {@code matchData[]}, {@code matchReturnArgs[]}).
 *
 * @param index  kprobes, LSM hooks, uprobes, USDTs: the function argument's {@code index} as declared in
 *               {@code args}; tracepoints and matchData: the position in {@code args} / {@code data}.
 *               Absent means 0 in Tetragon, unless {@code args} is given.
 * @param args   positions in the hook's {@code args} list; takes precedence over {@code index}.
 *               CapabilitiesGained takes two: the new and the old capability set.
 * @param values compared as the operator says; multiple values are ORed (ANDed for Not* operators)
 */
public record MatchArgs(OptionalInt index, List<Integer> args, ArgOperator operator, List<String> values) {

    public MatchArgs {
        args = List.copyOf(args);
        values = List.copyOf(values);
    }
}

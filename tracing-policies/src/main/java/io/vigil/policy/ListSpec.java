// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.Optional;

/**
 * {@code spec.lists[]}: a named list of functions, used as {@code call: "list:NAME"} and as InMap values.
 *
 * @param type    syscalls (values are syscall names), generated_syscalls (every syscall of the machine)
 *                or generated_ftrace (functions of available_filter_functions matching {@code pattern});
 *                absent for a plain list of functions
 * @param pattern the regular expression of a generated_ftrace list
 */
public record ListSpec(String name, Optional<ListType> type, List<String> values, Optional<String> pattern, boolean validated) {

    public ListSpec {
        values = List.copyOf(values);
    }
}

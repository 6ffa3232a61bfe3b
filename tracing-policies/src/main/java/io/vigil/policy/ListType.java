// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** {@code lists[].type}. */
public enum ListType implements Spelled {
    SYSCALLS("syscalls"),
    GENERATED_SYSCALLS("generated_syscalls"),
    GENERATED_FTRACE("generated_ftrace");

    private final String spelling;

    ListType(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }
}

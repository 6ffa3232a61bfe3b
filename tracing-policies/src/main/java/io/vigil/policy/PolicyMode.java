// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** The {@code policy-mode} option: whether enforcement actions run (enforce, Tetragon's default) or are elided. */
public enum PolicyMode implements Spelled {
    ENFORCE("enforce"),
    MONITOR("monitor");

    private final String spelling;

    PolicyMode(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }
}

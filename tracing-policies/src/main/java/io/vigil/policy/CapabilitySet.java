// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** {@code matchCapabilities[].type} (default Effective); codes are Tetragon's caps* constants. */
public enum CapabilitySet implements Spelled {
    EFFECTIVE("Effective", 1),
    INHERITABLE("Inheritable", 2),
    PERMITTED("Permitted", 0);

    private final String spelling;
    private final int tetragonCode;

    CapabilitySet(String spelling, int tetragonCode) {
        this.spelling = spelling;
        this.tetragonCode = tetragonCode;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public int tetragonCode() {
        return tetragonCode;
    }
}

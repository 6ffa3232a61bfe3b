// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** The In/NotIn operator of matchPIDs, matchNamespaces, matchCapabilities and their *Changes forms. */
public enum SetOperator implements Spelled {
    IN("In", 5),
    NOT_IN("NotIn", 6);

    private final String spelling;
    private final int tetragonCode;

    SetOperator(String spelling, int tetragonCode) {
        this.spelling = spelling;
        this.tetragonCode = tetragonCode;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    /** Tetragon's SelectorOpIn/SelectorOpNotIn (pkg/selectors/kernel.go). */
    public int tetragonCode() {
        return tetragonCode;
    }
}

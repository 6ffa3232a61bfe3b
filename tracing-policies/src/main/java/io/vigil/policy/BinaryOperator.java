// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** {@code matchBinaries[].operator} and {@code matchParentBinaries[].operator}; codes as SelectorOp. */
public enum BinaryOperator implements Spelled {
    IN("In", 5),
    NOT_IN("NotIn", 6),
    PREFIX("Prefix", 8),
    NOT_PREFIX("NotPrefix", 26),
    POSTFIX("Postfix", 9),
    NOT_POSTFIX("NotPostfix", 27);

    private final String spelling;
    private final int tetragonCode;

    BinaryOperator(String spelling, int tetragonCode) {
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

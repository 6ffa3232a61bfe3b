// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** {@code matchExpressions[].operator} of a pod or container selector (Kubernetes label selector). */
public enum LabelOperator implements Spelled {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String spelling;

    LabelOperator(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }
}

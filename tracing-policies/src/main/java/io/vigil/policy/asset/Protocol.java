// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import io.vigil.policy.Spelled;

/** {@code protocol} of an egress rule; spelled as in Cilium's network policies. */
public enum Protocol implements Spelled {
    TCP("TCP"),
    UDP("UDP"),
    ANY("Any");

    private final String spelling;

    Protocol(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }
}

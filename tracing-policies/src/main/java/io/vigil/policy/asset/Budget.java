// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

/**
 * How many bytes a tainted process may send to allowed destinations; 0 means no limit.
 *
 * @param bytesPerProcess     total over all destinations, for the process's life
 * @param bytesPerDestination to any one destination (remote address and port)
 */
public record Budget(long bytesPerProcess, long bytesPerDestination) {

    /** No {@code budget:} in the policy. */
    public static final Budget NONE = new Budget(0, 0);

    public Budget {
        if (bytesPerProcess < 0 || bytesPerDestination < 0) {
            throw new IllegalArgumentException("a budget is 0 (none) or a positive byte count");
        }
    }

    public boolean limitsProcess() {
        return bytesPerProcess > 0;
    }

    public boolean limitsDestination() {
        return bytesPerDestination > 0;
    }
}

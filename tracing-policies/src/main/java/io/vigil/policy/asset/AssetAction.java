// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import io.vigil.policy.Spelled;

/**
 * {@code spec.action}: what Vigil does when a tainted process sends where it may not. The kernel's
 * codes are in kprobe-bpf's asset_abi.h (enum vigil_asset_action); encoders map these constants to
 * them by name, never by ordinal.
 */
public enum AssetAction implements Spelled {
    /** Events only: the send goes through. */
    MONITOR("Monitor"),
    /** The connect or send fails with EPERM; a packet over the budget is dropped. */
    DENY("Deny"),
    /** As Deny, and the process gets SIGKILL. */
    KILL("Kill");

    private final String spelling;

    AssetAction(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }
}

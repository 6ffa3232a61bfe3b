// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/**
 * {@code matchActions[].action}: the CRD enum (ActionSelector.action). {@link #tetragonCode()} is the
 * ActionType* number in Tetragon's pkg/selectors/kernel.go.
 */
public enum ActionType implements Spelled {
    /** Send the event (the default when a selector names no action). */
    POST("Post", 0, VigilSupport.PLANNED),
    /** Deprecated by Tetragon (unsafe), planned for removal in its 1.5. */
    FOLLOW_FD("FollowFD", 1, VigilSupport.PARSED_ONLY),
    SIGKILL("Sigkill", 2, VigilSupport.PLANNED),
    /** Deprecated by Tetragon (unsafe), planned for removal in its 1.5. */
    UNFOLLOW_FD("UnfollowFD", 3, VigilSupport.PARSED_ONLY),
    /** Replace the hooked function's return value with {@code argError} (error injection). */
    OVERRIDE("Override", 4, VigilSupport.PLANNED),
    /** Deprecated by Tetragon (unsafe), planned for removal in its 1.5. */
    COPY_FD("CopyFD", 5, VigilSupport.PARSED_ONLY),
    /** User space: fetch {@code argUrl}. */
    GET_URL("GetUrl", 6, VigilSupport.PLANNED),
    /** User space: resolve {@code argFqdn}. */
    DNS_LOOKUP("DnsLookup", 7, VigilSupport.PLANNED),
    NO_POST("NoPost", 8, VigilSupport.PLANNED),
    /** Send signal {@code argSig} to the current process. */
    SIGNAL("Signal", 9, VigilSupport.PLANNED),
    TRACK_SOCK("TrackSock", 10, VigilSupport.PLANNED),
    UNTRACK_SOCK("UntrackSock", 11, VigilSupport.PLANNED),
    /** Ask the enforcer program of {@code spec.enforcers} to kill ({@code argSig}) or override ({@code argError}). */
    NOTIFY_ENFORCER("NotifyEnforcer", 12, VigilSupport.PLANNED),
    CLEANUP_ENFORCER_NOTIFICATION("CleanupEnforcerNotification", 13, VigilSupport.PLANNED),
    /** USDT probes only: write {@code argValue} into probe argument {@code argIndex}. */
    SET("Set", 14, VigilSupport.PARSED_ONLY);

    private final String spelling;
    private final int tetragonCode;
    private final VigilSupport support;

    ActionType(String spelling, int tetragonCode, VigilSupport support) {
        this.spelling = spelling;
        this.tetragonCode = tetragonCode;
        this.support = support;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public int tetragonCode() {
        return tetragonCode;
    }

    public VigilSupport support() {
        return support;
    }

    /** Actions that change what the traced process experiences (Tetragon's HasEnforcementAction). */
    public boolean enforces() {
        return this == SIGKILL || this == SIGNAL || this == OVERRIDE || this == NOTIFY_ENFORCER || this == SET;
    }

    public boolean deprecated() {
        return this == FOLLOW_FD || this == UNFOLLOW_FD || this == COPY_FD;
    }
}

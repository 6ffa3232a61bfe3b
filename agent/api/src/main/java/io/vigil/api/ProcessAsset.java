package io.vigil.api;

import java.util.Objects;

/**
 * A model-theft guard decision (Vigil's own event; Tetragon has none): a process read a protected
 * asset, was refused it, or, once tainted by it, was stopped on its way out.
 *
 * @param process     the process
 * @param parent      its parent, or null when unknown
 * @param policyName  metadata.name of the AssetProtectionPolicy
 * @param event       what happened: TAINT, OPEN_DENIED, OPEN_MONITORED, CONNECT_DENIED, SEND_DENIED,
 *                    EGRESS_MONITORED, BUDGET_EXCEEDED, KILLED
 * @param action      the policy's action: MONITOR, DENY or KILL
 * @param asset       the asset read (or refused), or null when the agent no longer knows it
 * @param destination where the tainted process was sending, or null for file decisions
 * @param bytesSent   egress bytes counted for the process when it happened
 * @param budget      the budget crossed (BUDGET_EXCEEDED), else 0
 */
public record ProcessAsset(ProcessInfo process, ProcessInfo parent, String policyName, String event, String action,
                           Asset asset, Destination destination, long bytesSent, long budget) implements EventBody {
    public static final String JSON_KEY = "process_asset";

    public ProcessAsset {
        Objects.requireNonNull(process, "process");
        policyName = Objects.requireNonNullElse(policyName, "");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(action, "action");
    }

    @Override
    public String jsonKey() {
        return JSON_KEY;
    }

    /** The file: its path when known, and its identity (st_dev, st_ino). */
    public record Asset(String path, long dev, long inode) {
        public Asset {
            path = Objects.requireNonNullElse(path, "");
        }
    }

    /**
     * @param address  IPv4 or IPv6 text
     * @param port     destination port
     * @param protocol TCP, UDP, or the IP protocol number as text
     * @param names    DNS names the agent learned for the address (FQDN allow lists), or empty
     */
    public record Destination(String address, int port, String protocol, java.util.List<String> names) {
        public Destination {
            names = names == null ? java.util.List.of() : java.util.List.copyOf(names);
        }
    }

    /** A decision that stopped something (as opposed to a taint or a monitored event). */
    public boolean enforced() {
        return event.endsWith("_DENIED") || event.equals("KILLED")
                || (event.equals("BUDGET_EXCEEDED") && !action.equals("MONITOR"));
    }
}

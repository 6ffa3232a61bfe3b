package io.vigil.api;

/**
 * Tetragon's {@code KprobeAction} (api/v1/tetragon/tetragon.proto): what a policy hook did.
 * Written as its proto name, e.g. {@code "KPROBE_ACTION_POST"}; UNKNOWN (0) is omitted, as protojson
 * omits a proto3 enum at its zero value.
 */
public enum KprobeAction {
    UNKNOWN(0),
    POST(1),
    FOLLOWFD(2),
    SIGKILL(3),
    UNFOLLOWFD(4),
    OVERRIDE(5),
    COPYFD(6),
    GETURL(7),
    DNSLOOKUP(8),
    NOPOST(9),
    SIGNAL(10),
    TRACKSOCK(11),
    UNTRACKSOCK(12),
    NOTIFYENFORCER(13),
    CLEANUPENFORCERNOTIFICATION(14),
    SET(15);

    private final int number;
    private final String protoName;

    KprobeAction(int number) {
        this.number = number;
        this.protoName = "KPROBE_ACTION_" + name();
    }

    /** The proto enum number. */
    public int number() {
        return number;
    }

    /** The JSON form, e.g. {@code KPROBE_ACTION_SIGKILL}. */
    public String protoName() {
        return protoName;
    }
}

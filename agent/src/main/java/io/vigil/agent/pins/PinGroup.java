package io.vigil.agent.pins;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pins of one policy (or of the base sensors): one bpffs directory, one file per link. */
public final class PinGroup {
    /** Pins nothing: the agent runs without --keep-sensors-on-exit. */
    static final PinGroup NONE = new PinGroup(null, null);

    private final LinkPins owner;
    private final Path dir;
    private int pinned;

    PinGroup(LinkPins owner, Path dir) {
        this.owner = owner;
        this.dir = dir;
    }

    /** Pins the link as {@code name} (made safe for a file name) in this group's directory. */
    public void pin(BpfLink link, String name) throws BpfException {
        if (dir == null) {
            return;
        }
        makeDirectory();
        link.pin(dir.resolve(fileName(name)));
        pinned++;
        owner.pinned(1);
    }

    /** Pins a map as "map-NAME" (a dispatcher's prog array, which the kernel empties when its last fd or pin goes). */
    public void pin(BpfMap map, String name) throws BpfException {
        if (dir == null) {
            return;
        }
        makeDirectory();
        map.pin(dir.resolve(PinRoot.MAP_PREFIX + fileName(name)));   // not counted as a link (PinRoot.links)
    }

    private void makeDirectory() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the pin directory " + dir, e);
        }
    }

    /**
     * Unpins the group's links (the policy was uninstalled: it must not stay enforced) unless the
     * agent is exiting with its sensors kept. The caller closes the links' fds.
     */
    public void release() {
        if (dir == null || owner.exiting() || !Files.exists(dir)) {
            return;
        }
        PinRoot.release(dir);
        owner.pinned(-pinned);
        pinned = 0;
    }

    /** bpffs refuses names with a dot (EPERM: they are kept for its own files); '/' would be a directory. */
    static String fileName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9_-]", "_");
        return safe.length() > 200 ? safe.substring(0, 200) : safe;
    }

    @Override
    public String toString() {
        return dir == null ? "PinGroup[none]" : "PinGroup[" + dir + "]";
    }
}

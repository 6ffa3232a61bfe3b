package io.vigil.agent.pins;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent run's pins (--keep-sensors-on-exit, as Tetragon's flag): every BPF link it attaches is
 * pinned under {@code <pin root>/agent-<pid>-<start>/}, so that kill -9, a crash or a stop leaves
 * the in-kernel enforcement (Sigkill, cgroup Override) and the base sensors it depends on
 * running. At start it records the runs pinned by earlier agents; {@link #releasePrevious} unpins
 * them once this run's own links are attached, so for a moment both sets run (a double deny is
 * harmless, a gap is not) and afterwards exactly one does. Without the flag nothing is pinned,
 * but earlier runs are still released: this agent replaces them.
 */
public final class LinkPins {
    private static final Logger log = LoggerFactory.getLogger(LinkPins.class);

    private final PinRoot root;
    private final boolean keep;
    private final Path run;
    private final List<Path> previous;
    private final int previousLinks;
    private final AtomicInteger pinned = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicBoolean exiting = new AtomicBoolean();

    private LinkPins(PinRoot root, boolean keep, Path run, List<Path> previous) {
        this.root = root;
        this.keep = keep;
        this.run = run;
        this.previous = previous;
        this.previousLinks = previous.stream().mapToInt(r -> PinRoot.links(r).size()).sum();
        if (!previous.isEmpty()) {
            log.info("pinned links of a previous agent found under {}: {} links in {}; they keep running until this "
                    + "agent's own are attached, then are released", root.dir(), previousLinks, names(previous));
        }
    }

    /** Before any link is attached: records what earlier runs left under the root. */
    public static LinkPins open(Path root, boolean keep) {
        String run = PinRoot.RUN_PREFIX + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
        PinRoot r = new PinRoot(root);
        return new LinkPins(r, keep, root.resolve(run), r.runs());
    }

    /** Pins nothing and releases nothing: an installer used outside an agent run (tests, tools). */
    public static LinkPins none() {
        return new LinkPins(new PinRoot(Path.of("")), false, Path.of(""), List.of());
    }

    public boolean keep() {
        return keep;
    }

    /** The directory of one policy or of the base sensors, e.g. {@code policy-deny-connect-h12}; created on first pin. */
    public PinGroup group(String name) {
        return keep ? new PinGroup(this, run.resolve(PinGroup.fileName(name))) : PinGroup.NONE;
    }

    /** Unpins what earlier agents left: call once this agent's own links are attached. Idempotent. */
    public synchronized void releasePrevious() {
        for (Path r : previous) {
            if (r.toFile().exists()) {
                int n = PinRoot.release(r);
                released.addAndGet(n);
                log.info("released {} pinned links of the previous agent run {}", n, r.getFileName());
            }
        }
    }

    /** The agent is stopping: with the flag, its pins stay (and so do its links); from now on nothing is unpinned. */
    public void agentExiting() {
        if (keep) {
            exiting.set(true);
            log.info("keeping {} pinned links under {}: sensors and policy enforcement stay in the kernel after exit "
                    + "(fanotify hooks cannot be pinned and stop); `vigil cleanup` releases them", pinned.get(), run);
        }
    }

    /** The agent is exiting with its pins kept: uninstalling must leave the kernel side as it is. */
    public boolean exiting() {
        return exiting.get();
    }

    void pinned(int delta) {
        pinned.addAndGet(delta);
    }

    /** For `vigil status`. */
    public void putStatus(ObjectNode n) {
        n.put("keep_sensors_on_exit", keep);
        n.put("pin_root", root.dir().toString());
        n.put("pinned_links", pinned.get());
        n.put("previous_links_found", previousLinks);
        n.put("previous_links_released", released.get());
    }

    private static List<String> names(List<Path> runs) {
        return runs.stream().map(p -> p.getFileName().toString()).toList();
    }
}

package io.vigil.agent.policy.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of policy files (*.yaml, *.yml) kept in step with the {@link PolicyManager}: all of
 * them at start, then every create, change, rename-into-place and delete. Changes settle for
 * {@code settleNanos} before they are applied, so an editor's several writes count as one.
 * {@link #step} is one turn of the loop, driven by tests with their own clock.
 */
public final class PolicyDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PolicyDirectory.class);

    private final Path dir;
    private final PolicyManager manager;
    private final LongSupplier nanoClock;
    private final long settleNanos;
    private final WatchService watch;
    /** Files changed and not yet applied, with the time of their last change. */
    private final Map<Path, Long> pending = new HashMap<>();
    private volatile boolean closed;
    private Thread thread;

    public PolicyDirectory(Path dir, PolicyManager manager, LongSupplier nanoClock, long settleNanos) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("policy directory " + dir + " does not exist");
        }
        this.dir = dir.toAbsolutePath().normalize();
        this.manager = manager;
        this.nanoClock = nanoClock;
        this.settleNanos = settleNanos;
        this.watch = FileSystems.getDefault().newWatchService();
        this.dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    static boolean isPolicyFile(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml"));
    }

    /** Applies every policy file now in the directory; returns the errors, by file. */
    public Map<Path, List<String>> loadAll() throws IOException {
        Map<Path, List<String>> errors = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(PolicyDirectory::isPolicyFile).sorted().toList()) {
                List<String> e = manager.applyFile(f, PolicyManager.Origin.DIRECTORY);
                if (!e.isEmpty()) {
                    errors.put(f, e);
                }
            }
        }
        return errors;
    }

    /**
     * Collects the events that arrived within {@code waitMillis}, then applies the files that have
     * settled. Returns the number of files applied or removed.
     */
    public int step(long waitMillis) throws InterruptedException {
        WatchKey key = waitMillis > 0 ? watch.poll(waitMillis, TimeUnit.MILLISECONDS) : watch.poll();
        while (key != null) {
            for (WatchEvent<?> ev : key.pollEvents()) {
                if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                    rescan();
                    continue;
                }
                Path f = dir.resolve((Path) ev.context());
                if (isPolicyFile(f)) {
                    pending.put(f, nanoClock.getAsLong());
                }
            }
            if (!key.reset()) {
                log.error("policy directory {} is gone: no more changes are followed; what runs keeps running", dir);
            }
            key = watch.poll();
        }
        int applied = 0;
        long now = nanoClock.getAsLong();
        for (Iterator<Map.Entry<Path, Long>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Long> e = it.next();
            if (now - e.getValue() < settleNanos) {
                continue;
            }
            it.remove();
            applied++;
            if (Files.isRegularFile(e.getKey())) {
                manager.applyFile(e.getKey(), PolicyManager.Origin.DIRECTORY);
            } else {
                manager.removeFile(e.getKey());
            }
        }
        return applied;
    }

    /** Events were lost: look at every file again. */
    private void rescan() {
        log.warn("policy directory {}: change events overflowed, rescanning", dir);
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(PolicyDirectory::isPolicyFile).forEach(f -> pending.put(f, nanoClock.getAsLong()));
        } catch (IOException e) {
            log.warn("rescanning {}: {}", dir, e.toString());
        }
    }

    /** Watches on a daemon thread until {@link #close}. */
    public void start() {
        thread = new Thread(() -> {
            try {
                while (!closed) {
                    step(100);
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closing
            }
        }, "vigil-policy-dir");
        thread.setDaemon(true);
        thread.start();
        log.info("watching policy directory {}", dir);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        watch.close();
        if (thread != null) {
            thread.interrupt();
        }
    }
}

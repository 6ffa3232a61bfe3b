package io.vigil.agent.policy.runtime;

import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyError;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.PolicyMode;
import io.vigil.policy.TracingPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies the agent runs, by qualified name. Every change is atomic per policy: the new
 * version is installed completely before the old one is taken out, so a policy that fails to
 * parse or to install leaves the running version in place, and the error is kept for listings.
 * Synchronized: the control socket and the directory watcher call it from their own threads.
 */
public final class PolicyManager {
    private static final Logger log = LoggerFactory.getLogger(PolicyManager.class);

    /** Where a policy came from: a watched file, or the control socket. */
    public enum Origin { DIRECTORY, CONTROL }

    /** What listings show of one policy. */
    public record Status(String name, Optional<Path> file, Origin origin, PolicyMode mode, int hooks,
                         Optional<String> error) {}

    private record Running(TracingPolicy policy, Origin origin, PolicyMode mode, PolicyInstaller.Installed installed) {}

    private final PolicyInstaller installer;
    private final Map<String, Running> running = new LinkedHashMap<>();
    /** Errors of files whose last version could not be applied, by file. */
    private final Map<Path, String> fileErrors = new LinkedHashMap<>();
    /** Policy names each watched file last provided. */
    private final Map<Path, Set<String>> fileNames = new LinkedHashMap<>();

    public PolicyManager(PolicyInstaller installer) {
        this.installer = installer;
    }

    /**
     * Applies a file's current content: its policies are added or replaced, and the policies it no
     * longer has are removed. A file that does not parse or whose policies do not all install
     * changes nothing and reports why.
     *
     * @return the errors, empty when the file was applied
     */
    public synchronized List<String> applyFile(Path file, Origin origin) {
        LoadResult r = PolicyLoader.load(file);
        if (!r.errors().isEmpty()) {
            List<String> errors = r.errors().stream().map(PolicyError::toString).toList();
            fileErrors.put(file, String.join("\n", errors));
            log.warn("policy file {} rejected, the running version stays: {}", file, errors);
            return errors;
        }
        for (TracingPolicy p : r.policies()) {
            Running other = running.get(p.qualifiedName());
            if (other != null && !other.policy().source().file().equals(file)) {
                String e = file + ": policy " + p.qualifiedName() + " is already loaded from " + other.policy().source().file();
                fileErrors.put(file, e);
                return List.of(e);
            }
        }
        // install every new version first: all or nothing for the file
        Map<String, Running> fresh = new LinkedHashMap<>();
        for (TracingPolicy p : r.policies()) {
            Running old = running.get(p.qualifiedName());
            PolicyMode mode = old != null && old.mode() != p.mode() && old.origin() == Origin.CONTROL ? old.mode() : p.mode();
            try {
                fresh.put(p.qualifiedName(), new Running(p, origin, mode, installer.install(p, mode)));
            } catch (PolicyInstallException | RuntimeException e) {
                fresh.values().forEach(f -> installer.uninstall(f.installed()));
                String msg = p.source().file() + ":" + p.source().line() + ":" + p.source().column() + ": policy "
                        + p.qualifiedName() + " cannot run: " + e.getMessage();
                fileErrors.put(file, msg);
                log.warn("{}; the running version stays", msg);
                return List.of(msg);
            }
        }
        Set<String> gone = new LinkedHashSet<>(fileNames.getOrDefault(file, Set.of()));
        gone.removeAll(fresh.keySet());
        for (Map.Entry<String, Running> e : fresh.entrySet()) {
            Running old = running.put(e.getKey(), e.getValue());
            if (old != null) {
                installer.uninstall(old.installed());
            }
            log.info("policy {} {} from {} ({} hooks, {})", e.getKey(), old == null ? "loaded" : "replaced", file,
                    e.getValue().installed().hooks(), e.getValue().mode().spelling());
        }
        gone.forEach(this::remove);
        fileNames.put(file, fresh.keySet());
        fileErrors.remove(file);
        return List.of();
    }

    /** The file is gone: its policies stop. */
    public synchronized void removeFile(Path file) {
        fileErrors.remove(file);
        Set<String> names = fileNames.remove(file);
        if (names != null) {
            names.forEach(this::remove);
        }
    }

    /** @return false when no such policy runs */
    public synchronized boolean delete(String name) {
        if (!running.containsKey(name)) {
            return false;
        }
        remove(name);
        fileNames.values().forEach(s -> s.remove(name));
        return true;
    }

    private void remove(String name) {
        Running r = running.remove(name);
        if (r != null) {
            installer.uninstall(r.installed());
            log.info("policy {} removed", name);
        }
    }

    /** Re-installs the policy in the other mode; the old installation runs until the new one is in. */
    public synchronized void setMode(String name, PolicyMode mode) throws PolicyInstallException {
        Running r = running.get(name);
        if (r == null) {
            throw new PolicyInstallException("no policy named '" + name + "' is running; see `vigil policy list`");
        }
        if (r.mode() == mode) {
            return;
        }
        PolicyInstaller.Installed fresh = installer.install(r.policy(), mode);
        running.put(name, new Running(r.policy(), Origin.CONTROL, mode, fresh));
        installer.uninstall(r.installed());
        log.info("policy {} now in {} mode", name, mode.spelling());
    }

    public synchronized List<Status> list() {
        List<Status> out = new ArrayList<>();
        running.forEach((name, r) -> out.add(new Status(name, Optional.of(r.policy().source().file()), r.origin(),
                r.mode(), r.installed().hooks(), Optional.ofNullable(fileErrors.get(r.policy().source().file())))));
        Set<Path> shown = out.stream().flatMap(s -> s.file().stream()).collect(Collectors.toSet());
        fileErrors.forEach((file, error) -> {
            if (!shown.contains(file)) {
                out.add(new Status("", Optional.of(file), Origin.DIRECTORY, PolicyMode.ENFORCE, 0, Optional.of(error)));
            }
        });
        return out;
    }

    /** Takes every policy out (agent shutdown). */
    public synchronized void close() {
        new ArrayList<>(running.keySet()).forEach(this::remove);
    }
}

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
 * The policies the agent runs, by qualified name. Every change is atomic per file: the new
 * versions are installed completely before the old ones are taken out, so a file that fails to
 * parse or to install leaves the running versions in place, and the error is kept for listings.
 * Synchronized: the control socket and the directory watcher call it from their own threads.
 */
public final class PolicyManager {
    private static final Logger log = LoggerFactory.getLogger(PolicyManager.class);

    /** Where a policy came from: a watched file, or the control socket. */
    public enum Origin { DIRECTORY, CONTROL }

    /** What a listing says of one policy, or of a file none of whose policies runs. */
    public enum State {
        /** The file's last version runs. */
        RUNNING("running"),
        /** The file's last version was rejected; the version before it runs. */
        KEPT_PREVIOUS("kept-previous"),
        /** The file was rejected and nothing of it runs. */
        FAILED("failed");

        private final String spelling;

        State(String spelling) {
            this.spelling = spelling;
        }

        public String spelling() {
            return spelling;
        }
    }

    /** What listings show of one policy; a FAILED file has no name. */
    public record Status(String name, Optional<Path> file, Origin origin, PolicyMode mode, int hooks, State state,
                         Optional<String> error, List<String> attachments) {
        public Status {
            attachments = List.copyOf(attachments);
        }
    }

    /** @param modeSetByOperator set-mode was used: the mode outlives changes of the file */
    private record Running(TracingPolicy policy, Origin origin, PolicyMode mode, boolean modeSetByOperator,
                           PolicyInstaller.Installed installed) {
        Path file() {
            return policy.source().file();
        }
    }

    private final PolicyInstaller installer;
    private final PolicyFileTrust trust;
    private final Map<String, Running> running = new LinkedHashMap<>();
    /** Errors of files whose last version could not be applied, by file. */
    private final Map<Path, String> fileErrors = new LinkedHashMap<>();
    /** Policy names each file last provided. */
    private final Map<Path, Set<String>> fileNames = new LinkedHashMap<>();

    public PolicyManager(PolicyInstaller installer) {
        this(installer, new PolicyFileTrust((int) new com.sun.security.auth.module.UnixSystem().getUid()));
    }

    PolicyManager(PolicyInstaller installer, PolicyFileTrust trust) {
        this.installer = installer;
        this.trust = trust;
    }

    private AssetPolicySink assets = AssetPolicySink.NONE;

    /** Where the AssetProtectionPolicies of the files go; without one they are refused. */
    public synchronized void assetPolicies(AssetPolicySink sink) {
        this.assets = sink;
    }

    /**
     * Applies a file's current content: its policies are added or replaced, and the policies it no
     * longer has are removed. A file that does not parse or whose policies do not all install
     * changes nothing and reports why. A name may come from one file at a time, except that the
     * control socket may replace its own policies from another file.
     *
     * @return the errors (file:line:column: message), empty when the file was applied
     */
    public synchronized List<String> applyFile(Path file, Origin origin) {
        Optional<String> untrusted = trust.check(file);
        if (untrusted.isPresent()) {
            return reject(file, origin, List.of(file + ":1:1: refused: " + untrusted.get()));
        }
        LoadResult r = PolicyLoader.load(file);
        if (!r.errors().isEmpty()) {
            return reject(file, origin, r.errors().stream().map(PolicyError::toString).toList());
        }
        for (TracingPolicy p : r.policies()) {
            Running other = running.get(p.qualifiedName());
            boolean controlReplacesControl = origin == Origin.CONTROL && other != null && other.origin() == Origin.CONTROL;
            if (other != null && !other.file().equals(file) && !controlReplacesControl) {
                return reject(file, origin, List.of(location(p) + ": policy " + p.qualifiedName() + " is already running from "
                        + other.file() + " (" + other.origin().name().toLowerCase(java.util.Locale.ROOT)
                        + "); names are unique"));
            }
        }
        // install every new version first: all or nothing for the file
        Map<String, Running> fresh = new LinkedHashMap<>();
        for (TracingPolicy p : r.policies()) {
            Running old = running.get(p.qualifiedName());
            boolean keepMode = old != null && old.modeSetByOperator();
            PolicyMode mode = keepMode ? old.mode() : p.mode();
            try {
                fresh.put(p.qualifiedName(), new Running(p, origin, mode, keepMode, installer.install(p, mode)));
            } catch (PolicyInstallException | RuntimeException e) {
                fresh.values().forEach(f -> installer.uninstall(f.installed()));
                return reject(file, origin, List.of(location(p) + ": policy " + p.qualifiedName() + " cannot run: "
                        + e.getMessage()));
            }
        }
        try {
            assets.applyFile(file, r.assetPolicies());
        } catch (PolicyInstallException | RuntimeException e) {
            fresh.values().forEach(f -> installer.uninstall(f.installed()));
            return reject(file, origin, List.of(file + ":1:1: " + e.getMessage()));
        }
        Set<String> gone = new LinkedHashSet<>(fileNames.getOrDefault(file, Set.of()));
        gone.removeAll(fresh.keySet());
        for (Map.Entry<String, Running> e : fresh.entrySet()) {
            Running old = running.put(e.getKey(), e.getValue());
            if (old != null) {
                installer.uninstall(old.installed());
                if (!old.file().equals(file)) {
                    fileNames.getOrDefault(old.file(), new LinkedHashSet<>()).remove(e.getKey());
                }
            }
            log.info("policy {} {} from {} ({} hooks, {})", e.getKey(), old == null ? "loaded" : "replaced", file,
                    e.getValue().installed().hooks(), e.getValue().mode().spelling());
        }
        gone.forEach(name -> remove(name, true));
        fileNames.put(file, new LinkedHashSet<>(fresh.keySet()));
        fileErrors.remove(file);
        return List.of();
    }

    /**
     * Keeps the errors for listings, except those of a control-socket file with nothing running:
     * the caller of `vigil policy add` already has them and nothing would ever clear them.
     */
    private List<String> reject(Path file, Origin origin, List<String> errors) {
        if (origin == Origin.DIRECTORY || !fileNames.getOrDefault(file, Set.of()).isEmpty()) {
            fileErrors.put(file, String.join("\n", errors));
        }
        log.warn("policy file {} rejected, what ran from it keeps running: {}", file, String.join("; ", errors));
        return errors;
    }

    private static String location(TracingPolicy p) {
        return p.source().file() + ":" + p.source().line() + ":" + p.source().column();
    }

    /** The file is gone: its policies stop. */
    public synchronized void removeFile(Path file) {
        fileErrors.remove(file);
        assets.removeFile(file);
        Set<String> names = fileNames.remove(file);
        if (names != null) {
            names.forEach(name -> remove(name, true));
        }
    }

    /** @return false when no such policy runs */
    public synchronized boolean delete(String name) {
        if (!running.containsKey(name)) {
            return false;
        }
        remove(name, true);
        fileNames.values().forEach(s -> s.remove(name));
        return true;
    }

    /** @param removed the policy is taken away; false at agent stop, where pinned hooks may stay (keep-sensors-on-exit) */
    private void remove(String name, boolean removed) {
        Running r = running.remove(name);
        if (r != null) {
            installer.uninstall(r.installed());
            if (removed) {
                log.info("policy {} removed", name);
            }
        }
    }

    /**
     * Switches the policy's mode in place when the installer can (the hooks keep running), else
     * re-installs it in the other mode: the old installation runs until the new one is in, and stays
     * when the new one fails. The mode holds over later changes of the policy's file.
     */
    public synchronized void setMode(String name, PolicyMode mode) throws PolicyInstallException {
        Running r = running.get(name);
        if (r == null) {
            throw new PolicyInstallException("no policy named '" + name + "' is running; see `vigil policy list`");
        }
        if (r.mode() == mode) {
            running.put(name, new Running(r.policy(), r.origin(), mode, true, r.installed()));
            return;
        }
        if (installer.switchMode(r.installed(), mode)) {
            running.put(name, new Running(r.policy(), r.origin(), mode, true, r.installed()));
            log.info("policy {} now in {} mode (switched in place)", name, mode.spelling());
            return;
        }
        PolicyInstaller.Installed fresh = installer.install(r.policy(), mode);
        running.put(name, new Running(r.policy(), r.origin(), mode, true, fresh));
        installer.uninstall(r.installed());
        log.info("policy {} now in {} mode (reinstalled)", name, mode.spelling());
    }

    public synchronized List<Status> list() {
        List<Status> out = new ArrayList<>();
        running.forEach((name, r) -> {
            Optional<String> error = Optional.ofNullable(fileErrors.get(r.file()));
            out.add(new Status(name, Optional.of(r.file()), r.origin(), r.mode(), r.installed().hooks(),
                    error.isPresent() ? State.KEPT_PREVIOUS : State.RUNNING, error, r.installed().attachments()));
        });
        Set<Path> shown = out.stream().flatMap(s -> s.file().stream()).collect(Collectors.toSet());
        fileErrors.forEach((file, error) -> {
            if (!shown.contains(file)) {
                out.add(new Status("", Optional.of(file), Origin.DIRECTORY, PolicyMode.ENFORCE, 0, State.FAILED,
                        Optional.of(error), List.of()));
            }
        });
        return out;
    }

    /** Takes every policy out (agent shutdown). */
    public synchronized void close() {
        int n = running.size();
        new ArrayList<>(running.keySet()).forEach(name -> remove(name, false));
        log.info("agent stopping: {} policies released (with --keep-sensors-on-exit their pinned links stay in the kernel)", n);
        fileNames.clear();
    }
}

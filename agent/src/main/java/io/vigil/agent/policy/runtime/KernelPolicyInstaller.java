package io.vigil.agent.policy.runtime;

import io.vigil.agent.pins.LinkPins;
import io.vigil.agent.pins.PinGroup;
import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.compile.BinaryTableSet;
import io.vigil.agent.policy.compile.CompileContext;
import io.vigil.agent.policy.compile.CompiledHook;
import io.vigil.agent.policy.compile.CompiledPolicy;
import io.vigil.agent.policy.compile.HostNamespaces;
import io.vigil.agent.policy.compile.PolicyCompiler;
import io.vigil.agent.policy.compile.SyscallTable;
import io.vigil.agent.policy.events.HookRegistry;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.ObservationPlanner;
import io.vigil.agent.policy.plan.Planned;
import io.vigil.agent.policy.plan.PolicyProblem;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.agent.time.BootClock;
import io.vigil.bpf.Backend;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.generic.BinaryTables;
import io.vigil.bpf.generic.DispatchGroup;
import io.vigil.bpf.generic.GenericHookLoader;
import io.vigil.bpf.generic.HookImage;
import io.vigil.bpf.generic.LoadedHook;
import io.vigil.enforcement.fanotify.FanotifyException;
import io.vigil.policy.PolicyMode;
import io.vigil.policy.TracingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's installer: plan the policy's hooks for the backend, compile them, register their
 * descriptors, write the matchBinaries tables and load each hook; all or nothing. Hook ids only
 * grow, so a record still in flight from an uninstalled hook can never be taken for a newer one.
 * Called by the {@link PolicyManager} from one thread at a time.
 */
public final class KernelPolicyInstaller implements PolicyInstaller {
    private static final Logger log = LoggerFactory.getLogger(KernelPolicyInstaller.class);

    /** The agent's factory: policy hooks share the base sensors' maps; fanotify decisions go to the event path. */
    public static final Factory FACTORY = new Factory() {
        @Override
        public PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks) {
            return create(backend, sensors, hooks, r -> false);
        }

        @Override
        public PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks, Predicate<byte[]> records) {
            return create(backend, sensors, hooks, records, LinkPins.none());
        }

        @Override
        public PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks, Predicate<byte[]> records,
                LinkPins pins) {
            return create(backend, sensors, hooks, records, pins, () -> { });
        }

        @Override
        public PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks, Predicate<byte[]> records,
                LinkPins pins, Runnable fanotifyOverflow) {
            return create(backend, sensors, hooks, records, pins, fanotifyOverflow, Openers.fromProc(sensors.map("execve_map")));
        }

        @Override
        public PolicyInstaller create(Backend backend, LoadedSensors sensors, HookRegistry hooks, Predicate<byte[]> records,
                LinkPins pins, Runnable fanotifyOverflow, OpenerLookup openers) {
            FanotifyHooks fanotify = new FanotifyHooks(records, sensors.map("execve_map"), BootClock::bootNanosNow);
            return new KernelPolicyInstaller(HookPlanner.forHost(backend), new GenericHookLoader(sensors.sharedMaps()),
                    new BinaryTables(sensors::map), new BinarySeeds(sensors.map("execve_map"), sensors.map("bin_seed"),
                            KernelPolicyInstaller::binaryOf), hooks,
                    new CompileContext(1, 0, HostNamespaces.ofThisProcess(), SyscallTable.forArch(System.getProperty("os.arch"))),
                    fanotify, fanotify.observers(fanotifyOverflow, openers), pins);
        }
    };

    private final HookPlanner planner;
    private final GenericHookLoader loader;
    private final BinaryTables binaryTables;
    private final BinarySeeds seeds;
    private final HookRegistry registry;
    private final CompileContext base;
    private final FanotifyHooks fanotify;
    private final FanotifyObservers observers;
    private final LinkPins pins;
    private final DispatchGroups dispatch;
    private int nextHookId;
    private final Set<Loaded> installed = new LinkedHashSet<>();

    KernelPolicyInstaller(HookPlanner planner, GenericHookLoader loader, BinaryTables binaryTables, BinarySeeds seeds,
            HookRegistry registry, CompileContext first, FanotifyHooks fanotify, LinkPins pins) {
        this(planner, loader, binaryTables, seeds, registry, first, fanotify, fanotify.observers(() -> { }), pins);
    }

    KernelPolicyInstaller(HookPlanner planner, GenericHookLoader loader, BinaryTables binaryTables, BinarySeeds seeds,
            HookRegistry registry, CompileContext first, FanotifyHooks fanotify, FanotifyObservers observers, LinkPins pins) {
        this.fanotify = fanotify;
        this.observers = observers;
        this.pins = pins;
        this.seeds = seeds;
        this.planner = planner;
        this.loader = loader;
        this.binaryTables = binaryTables;
        this.registry = registry;
        this.base = first;
        this.nextHookId = first.firstHookId();
        this.dispatch = new DispatchGroups(loader, pins);
    }

    private record Loaded(CompiledPolicy compiled, List<AutoCloseable> loadedHooks, PinGroup pins) implements Installed {
        @Override
        public int hooks() {
            return loadedHooks.size();
        }

        /** "tracepoint syscalls/sys_enter_openat", with " (via dispatch)" for a member of that tracepoint's dispatcher. */
        @Override
        public List<String> attachments() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < compiled.hooks().size(); i++) {
                boolean member = i < loadedHooks.size() && loadedHooks.get(i) instanceof DispatchGroup.Member;
                for (HookImage.Attachment a : compiled.hooks().get(i).image().attachments()) {
                    out.add(a.kind().name().toLowerCase(Locale.ROOT).replace('_', '/') + " " + a.target()
                            + (member ? " (via dispatch)" : ""));
                }
            }
            return out;
        }

        List<HookDescriptor> descriptors() {
            return compiled.hooks().stream().map(CompiledHook::descriptor).toList();
        }
    }

    @Override
    public Installed install(TracingPolicy policy, PolicyMode mode) throws PolicyInstallException {
        CompiledPolicy compiled;
        try {
            Planned planned = planner.plan(policy);
            for (PolicyProblem p : planned.skipped()) {
                log.warn("policy {}: hook skipped: {}", policy.qualifiedName(), p);
            }
            compiled = PolicyCompiler.compile(policy, mode, planned.hooks(), contextFor());
            warnEnforcement(policy, mode);
        } catch (PolicyRejectedException e) {
            throw new PolicyInstallException(e.problems().stream().map(PolicyProblem::toString)
                    .collect(Collectors.joining("\n")), e);
        }
        // one pin directory per installation: a new version is installed before the old one goes
        Loaded loaded = new Loaded(compiled, new ArrayList<>(), pins.group("policy-" + policy.qualifiedName() + "-h"
                + nextHookId));
        List<HookDescriptor> descriptors = loaded.descriptors();
        registry.registerAll(descriptors);   // before any hook can post a record
        boolean tables = !compiled.binaries().equals(BinaryTableSet.EMPTY);
        String step = "writing the matchBinaries tables";
        try {
            if (tables) {
                writeTables(loaded);
            }
            for (CompiledHook h : compiled.hooks()) {
                step = "loading " + describe(h.descriptor());
                loaded.loadedHooks().add(load(h, mode, loaded.pins()));
            }
        } catch (BpfException | FanotifyException | IOException | RuntimeException e) {
            loaded.pins().release();
            closeAll(loaded.loadedHooks());
            registry.unregisterAll(descriptors);
            if (tables) {
                restoreTables();
            }
            throw new PolicyInstallException(step + " failed: " + e.getMessage(), e);
        }
        installed.add(loaded);
        nextHookId = compiled.nextHookId();
        return loaded;
    }

    /** A BPF hook, the fanotify marks of a file open/exec hook that Overrides, or those of an observed open. */
    private AutoCloseable load(CompiledHook h, PolicyMode mode, PinGroup group)
            throws BpfException, FanotifyException, IOException {
        if (h.dispatch().isPresent()) {
            Optional<DispatchGroup.Member> m = dispatch.join(h.image(), h.dispatch().get());
            if (m.isPresent()) {
                return m.get();   // the group pins its dispatcher; the prog array holds the member
            }
        }
        if (!h.image().object().equals(HookPlanner.FANOTIFY_OBJECT)) {
            LoadedHook hook = loader.load(h.image());
            try {
                for (int i = 0; i < hook.links().size(); i++) {
                    HookImage.Attachment a = h.image().attachments().get(i);
                    group.pin(hook.links().get(i), "hook" + h.descriptor().hookId() + "-" + i + "-"
                            + a.kind().name().toLowerCase(Locale.ROOT) + "-" + a.program() + "-" + a.target());
                }
            } catch (BpfException | RuntimeException e) {
                hook.close();
                throw e;
            }
            return hook;
        }
        if (h.image().attachments().get(0).program().equals(ObservationPlanner.PROGRAM)) {
            return observers.add(h.descriptor(), h.spec(), mode);   // reports only: nothing to keep enforcing
        }
        if (pins.keep()) {
            log.warn("policy {}: hook {} runs on fanotify marks, which cannot be pinned: when the agent exits, the "
                    + "kernel allows what it denied", h.descriptor().policyName(), describe(h.descriptor()));
        }
        HookImage.Attachment a = h.image().attachments().get(0);
        return fanotify.add(h.descriptor(), h.spec(), a.program(), a.target(), mode);
    }

    @Override
    public void uninstall(Installed handle) {
        Loaded loaded = (Loaded) handle;
        if (!installed.remove(loaded)) {
            return;
        }
        loaded.pins().release();                    // else a deleted policy would stay enforced
        closeAll(loaded.loadedHooks());              // detach first: no new records
        registry.unregisterAll(loaded.descriptors());
        if (pins.exiting()) {
            return;   // kept on exit: the pinned hooks still test their matchBinaries bits
        }
        if (!loaded.compiled().binaries().equals(BinaryTableSet.EMPTY)) {
            restoreTables();
        }
    }

    /**
     * Flips the monitor flag of each of the policy's hooks where it runs: gen_config[0] of its BPF
     * object, or its fanotify rule. Hook by hook, so for a moment a policy with several hooks runs in
     * both modes; a failure puts back the hooks already switched.
     */
    @Override
    public boolean switchMode(Installed handle, PolicyMode mode) throws PolicyInstallException {
        Loaded loaded = (Loaded) handle;
        if (!installed.contains(loaded)) {
            throw new IllegalArgumentException("not installed by this installer: " + handle);
        }
        boolean monitor = mode == PolicyMode.MONITOR;
        List<AutoCloseable> done = new ArrayList<>();
        List<Boolean> before = new ArrayList<>();
        try {
            for (AutoCloseable h : loaded.loadedHooks()) {
                before.add(setMonitor(h, monitor));
                done.add(h);
            }
        } catch (BpfException | RuntimeException e) {
            for (int i = done.size() - 1; i >= 0; i--) {
                try {
                    setMonitor(done.get(i), before.get(i));
                } catch (BpfException | RuntimeException again) {
                    log.error("{} stays in the other mode: {}", done.get(i), again.getMessage());
                }
            }
            throw new PolicyInstallException("switching to " + mode.spelling() + " failed: " + e.getMessage(), e);
        }
        return true;
    }

    private static boolean setMonitor(AutoCloseable hook, boolean monitor) throws BpfException {
        if (hook instanceof LoadedHook h) {
            return h.setMonitor(monitor);
        }
        if (hook instanceof DispatchGroup.Member m) {
            return m.setMonitor(monitor);
        }
        if (hook instanceof FanotifyHooks.Handle h) {
            return h.setMonitor(monitor);
        }
        if (hook instanceof FanotifyObservers.Handle h) {
            return h.setMonitor(monitor);
        }
        throw new IllegalStateException("a hook of unknown kind: " + hook);
    }

    /** The next ids, and the matchBinaries bits of the installed policies (uninstalled ones free theirs). */
    private CompileContext contextFor() {
        long used = 0;
        for (Loaded l : installed) {
            used |= l.compiled().binaryBits();
        }
        return new CompileContext(nextHookId, used, base.hostNamespaces(), base.syscalls());
    }

    private void writeTables(Loaded extra) throws BpfException {
        BinaryTableSet all = extra.compiled().binaries();
        for (Loaded l : installed) {
            all = all.merge(l.compiled().binaries());
        }
        binaryTables.replace(all.exact(), all.prefixes(), all.postfixes(), all.followMask());
        seeds.write(all);   // after the tables: a process that execs meanwhile gets its bits from them
    }

    private void restoreTables() {
        BinaryTableSet all = BinaryTableSet.EMPTY;
        for (Loaded l : installed) {
            all = all.merge(l.compiled().binaries());
        }
        try {
            binaryTables.replace(all.exact(), all.prefixes(), all.postfixes(), all.followMask());
            seeds.write(all);
        } catch (BpfException e) {
            // the stale entries carry bits no loaded hook tests; they are rewritten by the next install
            log.error("matchBinaries tables not restored: {}", e.getMessage());
        }
    }

    /** NotifyEnforcer is encoded and reported in events, but not carried out yet (issue 4); Override runs or is rejected by the planner. */
    private static void warnEnforcement(TracingPolicy policy, PolicyMode mode) {
        Set<String> actions = new TreeSet<>();
        policy.spec().hooks().forEach(h -> h.selectors().forEach(s -> s.matchActions().forEach(a -> {
            switch (a.action()) {
                case NOTIFY_ENFORCER -> actions.add(a.action().spelling());
                default -> { }
            }
        })));
        if (!actions.isEmpty() && mode == PolicyMode.ENFORCE) {
            log.warn("policy {}: actions {} are reported in its events but not carried out by this version: "
                    + "nothing is denied", policy.qualifiedName(), actions);
        }
    }

    private static String describe(HookDescriptor d) {
        return d.kind() == HookDescriptor.Kind.TRACEPOINT ? "tracepoint " + d.subsystem() + "/" + d.event()
                : d.kind().name().toLowerCase(Locale.ROOT) + " " + d.functionName();
    }

    /** The binary a live process runs, as the exec sensor records it (the executable's path). */
    static Optional<String> binaryOf(int tgid) {
        try {
            String p = Files.readSymbolicLink(Path.of("/proc", Integer.toString(tgid), "exe")).toString();
            return Optional.of(p.endsWith(" (deleted)") ? p.substring(0, p.length() - 10) : p);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // gone, or a kernel thread
        }
    }

    private static void closeAll(List<AutoCloseable> hooks) {
        for (AutoCloseable h : hooks) {
            try {
                h.close();
            } catch (Exception e) {
                log.warn("detaching {} failed: {}", h, e.getMessage());
            }
        }
    }
}

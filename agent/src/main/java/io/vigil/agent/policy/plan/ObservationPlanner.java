package io.vigil.agent.policy.plan;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.HookSpec;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.OptionSpec;
import io.vigil.policy.TracingPolicy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Places a file-open hook that only reports on fanotify FAN_OPEN marks instead of a BPF program,
 * where that loses nothing: an open of an unmarked file then costs nothing, while a BPF program on
 * the syscall tracepoint runs on every open of the host. Chosen automatically on every backend with
 * fanotify, for hooks whose event FAN_OPEN reproduces (security_file_open, lsm file_open: a
 * successful open of a file; not sys_openat, which also sees failed attempts and their flags) and
 * whose selectors the agent decides on the event (FanotifySelectors) without Override or signals.
 * Pure: the kernel comes in as {@link HostFacts}. HookPlanner's part for observed opens.
 */
public final class ObservationPlanner {
    /** The placement's attachment: program and target as {@code vigil status} shows them ("fanotify FAN_OPEN"). */
    public static final String PROGRAM = "observe";
    public static final String TARGET = "FAN_OPEN";
    /** The hooks whose event is a successful open of a file, which FAN_OPEN reports too. */
    private static final Set<String> FILE_OPEN = Set.of("security_file_open", "file_open");
    /** How the file argument can be declared: the kernel's struct file or its path, both reported as the path. */
    private static final Set<ArgType> FILE_TYPES = EnumSet.of(ArgType.FILE, ArgType.PATH, ArgType.AUTO);

    private final HostFacts host;

    ObservationPlanner(HostFacts host) {
        this.host = host;
    }

    /**
     * The fanotify placement of a kprobe on {@code function} or an LSM hook of that name, or empty
     * when it stays on BPF ({@link #reasons} says why).
     */
    Optional<HookPlan> place(TracingPolicy policy, HookSpec h, String function, HookDescriptor.Kind kind, String where) {
        if (!reasons(policy, h, function).isEmpty()) {
            return Optional.empty();
        }
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : h.args()) {
            ArgType t = a.type() == ArgType.AUTO ? ArgType.FILE : a.type();
            args.add(new ArgPlan(a, t, 0, a.index(), 0, 0, 0, 0, 0));
        }
        return Optional.of(new HookPlan(h, where, HookPlanner.FANOTIFY_OBJECT,
                List.of(new Attachment(PROGRAM, AttachKind.FANOTIFY, TARGET)), 0, false, true, args, 0, kind, function,
                "", "", List.of(), Optional.empty()));
    }

    /** Why the hook stays on a BPF program; empty when fanotify observes it. */
    List<String> reasons(TracingPolicy policy, HookSpec h, String function) {
        if (!FILE_OPEN.contains(function)) {
            return List.of(function + ": FAN_OPEN reports successful opens only; this hook sees other events");
        }
        List<String> out = new ArrayList<>();
        if (!host.fanotify()) {
            out.add("this kernel has no fanotify (CONFIG_FANOTIFY)");
        }
        if (policy.spec().option(OptionSpec.DISABLE_FANOTIFY_OBSERVE).map(ObservationPlanner::goTrue).orElse(false)) {
            out.add("option " + OptionSpec.DISABLE_FANOTIFY_OBSERVE + " is set");
        }
        if (OverridePlacement.overrides(h) || OverridePlacement.signals(h)) {
            out.add("Override, Sigkill and Signal act in the open; a FAN_OPEN notification comes after it");
        }
        if (h instanceof KprobeSpec k && (HookPlanner.needsReturn(k) || k.returnArg().isPresent())) {
            out.add("a return value: FAN_OPEN reports successful opens only, without one");
        }
        if (h.selectors().isEmpty()) {
            out.add("no selectors: every open of the host is reported, which only a hook on every open can do");
        }
        for (ArgSpec a : h.args()) {
            if (a.index() != 0 || !FILE_TYPES.contains(a.type())) {
                out.add("argument " + a.index() + " (" + a.type().spelling() + "): the event gives the file only (index 0,"
                        + " file or path)");
            }
        }
        out.addAll(FanotifySelectors.unsupported(h, OverridePlacement.forFunction("security_file_open").orElseThrow(),
                "observing " + function + " through fanotify FAN_OPEN marks"));
        return out;
    }

    /** Go's strconv.ParseBool true values, as Tetragon reads boolean options. */
    private static boolean goTrue(String v) {
        return Set.of("1", "t", "T", "true", "TRUE", "True").contains(v);
    }
}

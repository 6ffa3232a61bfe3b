package io.vigil.agent.policy.plan;

import io.vigil.policy.ActionType;
import io.vigil.policy.ArgOperator;
import io.vigil.policy.HookSpec;
import io.vigil.policy.MatchAction;
import io.vigil.policy.MatchArgs;
import io.vigil.policy.MatchBinaries;
import io.vigil.policy.MatchPids;
import io.vigil.policy.Selector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The selectors of a file open/exec hook that Overrides, evaluated by the agent on a fanotify
 * permission event (the kernel holds the opener until the answer). Tetragon's semantics for the
 * subset the event carries: filters of a selector are ANDed, the first matching selector wins, its
 * Override denies. The event gives the resolved path, the opener's pid and, through /proc, its binary;
 * what it does not give (namespaces, capabilities, parent binaries, return values) is refused by
 * {@link #unsupported}. Pure: no I/O.
 */
public final class FanotifySelectors {
    private FanotifySelectors() {}

    private static final Set<ArgOperator> PATH_OPS = EnumSet.of(ArgOperator.EQUAL, ArgOperator.NOT_EQUAL, ArgOperator.PREFIX,
            ArgOperator.NOT_PREFIX, ArgOperator.POSTFIX, ArgOperator.NOT_POSTFIX);
    private static final Set<ActionType> ACTIONS = EnumSet.of(ActionType.OVERRIDE, ActionType.POST, ActionType.NO_POST);

    /** The first matching selector: its index and actions. */
    public record Match(int selector, boolean override, boolean post) {}

    /** Why the hook's selectors cannot be decided on a fanotify event; empty when they can. */
    public static List<String> unsupported(HookSpec h, OverridePlacement.Served s) {
        return unsupported(h, s, "Override on " + h.target() + " is decided by the agent on a fanotify permission event");
    }

    /** As above; {@code placement} says which use of fanotify the reasons are about. */
    static List<String> unsupported(HookSpec h, OverridePlacement.Served s, String placement) {
        return unsupported(h, s, placement, true);
    }

    /**
     * Why the selectors cannot be decided on the event; {@code needNames}: marks go on the files the
     * selectors name, so each selector must name them (false for filesystem-wide exec marks, which see
     * every exec).
     */
    static List<String> unsupported(HookSpec h, OverridePlacement.Served s, String placement, boolean needNames) {
        int file = s.args().keySet().iterator().next();
        List<String> out = new ArrayList<>();
        String what = placement + ", which gives the file and the opener only: ";
        for (int i = 0; i < h.selectors().size(); i++) {
            Selector sel = h.selectors().get(i);
            String at = "selector " + i + ": ";
            if (!sel.matchData().isEmpty() || !sel.matchReturnArgs().isEmpty() || !sel.matchParentBinaries().isEmpty()
                    || !sel.matchNamespaces().isEmpty() || !sel.matchCapabilities().isEmpty()
                    || !sel.matchNamespaceChanges().isEmpty() || !sel.matchCapabilityChanges().isEmpty()
                    || !sel.matchReturnActions().isEmpty()) {
                out.add(at + what + "use matchArgs on the file, matchBinaries and matchPIDs only");
            }
            boolean named = false;
            for (MatchArgs m : sel.matchArgs()) {
                if (m.index().isEmpty() || m.index().getAsInt() != file || !PATH_OPS.contains(m.operator())) {
                    out.add(at + what + "filter argument " + file + " with Equal, NotEqual, Prefix, NotPrefix, Postfix or"
                            + " NotPostfix");
                }
                named |= m.operator() == ArgOperator.EQUAL || m.operator() == ArgOperator.PREFIX;
            }
            if (!named && needNames) {
                out.add(at + "Vigil marks only the files and directories a policy names, so unrelated opens pay nothing:"
                        + " give argument " + file + " an Equal (files) or Prefix (directories) filter");
            }
            for (MatchBinaries b : sel.matchBinaries()) {
                if (b.followChildren()) {
                    out.add(at + what + "matchBinaries followChildren is not available there");
                }
            }
            for (MatchPids p : sel.matchPids()) {
                if (p.followForks() || p.isNamespacePid()) {
                    out.add(at + what + "matchPIDs followForks and isNamespacePID are not available there");
                }
            }
            for (MatchAction a : sel.matchActions()) {
                if (!ACTIONS.contains(a.action()) || a.rateLimit().isPresent()) {
                    out.add(at + what + "actions Override, Post (without rateLimit) and NoPost only, not "
                            + a.action().spelling() + (a.rateLimit().isPresent() ? " with rateLimit" : ""));
                }
            }
        }
        return out;
    }

    /** Whether a selector has no filter (matchArgs, matchBinaries, matchPIDs): every event matches it. */
    public static boolean matchesEverything(HookSpec h) {
        return h.selectors().stream().anyMatch(s -> s.matchArgs().isEmpty() && s.matchBinaries().isEmpty()
                && s.matchPids().isEmpty());
    }

    /** The paths the selectors name: Equal values (files) and Prefix values (directories or name prefixes). */
    public static List<String> named(HookSpec h, ArgOperator op) {
        List<String> out = new ArrayList<>();
        for (Selector sel : h.selectors()) {
            for (MatchArgs m : sel.matchArgs()) {
                if (m.operator() == op) {
                    out.addAll(m.values());
                }
            }
        }
        return out;
    }

    /**
     * The first selector that matches the opener: pid, its binary (empty when unknown: then no
     * binary filter matches, In or NotIn) and the resolved path.
     */
    public static Optional<Match> first(List<Selector> selectors, String path, String binary, long pid) {
        for (int i = 0; i < selectors.size(); i++) {
            Selector s = selectors.get(i);
            if (s.matchArgs().stream().allMatch(m -> path(m, path))
                    && s.matchBinaries().stream().allMatch(b -> binary(b, binary))
                    && s.matchPids().stream().allMatch(p -> pids(p, pid))) {
                boolean override = s.matchActions().stream().anyMatch(a -> a.action() == ActionType.OVERRIDE);
                boolean noPost = s.matchActions().stream().anyMatch(a -> a.action() == ActionType.NO_POST);
                return Optional.of(new Match(i, override, !noPost));
            }
        }
        return Optional.empty();
    }

    private static boolean path(MatchArgs m, String path) {
        return switch (m.operator()) {
            case EQUAL -> m.values().contains(path);
            case NOT_EQUAL -> !m.values().contains(path);
            case PREFIX -> m.values().stream().anyMatch(path::startsWith);
            case NOT_PREFIX -> m.values().stream().noneMatch(path::startsWith);
            case POSTFIX -> m.values().stream().anyMatch(path::endsWith);
            case NOT_POSTFIX -> m.values().stream().noneMatch(path::endsWith);
            default -> false;
        };
    }

    private static boolean binary(MatchBinaries b, String binary) {
        if (binary.isEmpty()) {
            return false;
        }
        return switch (b.operator()) {
            case IN -> b.values().contains(binary);
            case NOT_IN -> !b.values().contains(binary);
            case PREFIX -> b.values().stream().anyMatch(binary::startsWith);
            case NOT_PREFIX -> b.values().stream().noneMatch(binary::startsWith);
            case POSTFIX -> b.values().stream().anyMatch(binary::endsWith);
            case NOT_POSTFIX -> b.values().stream().noneMatch(binary::endsWith);
        };
    }

    private static boolean pids(MatchPids p, long pid) {
        boolean in = p.values().contains(pid);
        return switch (p.operator()) {
            case IN -> in;
            case NOT_IN -> !in;
        };
    }
}

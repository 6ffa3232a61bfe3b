// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.ActionType;
import io.vigil.policy.ArgOperator;
import io.vigil.policy.BinaryOperator;
import io.vigil.policy.Capability;
import io.vigil.policy.CapabilitySet;
import io.vigil.policy.MatchAction;
import io.vigil.policy.MatchArgs;
import io.vigil.policy.MatchBinaries;
import io.vigil.policy.MatchCapabilities;
import io.vigil.policy.MatchNamespaceChanges;
import io.vigil.policy.MatchNamespaces;
import io.vigil.policy.MatchPids;
import io.vigil.policy.NamespaceType;
import io.vigil.policy.RateLimitScope;
import io.vigil.policy.Selector;
import io.vigil.policy.SetOperator;
import io.vigil.policy.Spelled;
import io.vigil.policy.internal.yaml.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Binds {@code selectors[]} and everything under them (see {@link PolicyBinder}). */
final class SelectorBinder {

    static final List<String> SELECTOR = List.of("matchArgs", "matchData", "matchReturnArgs", "matchPIDs",
            "matchBinaries", "matchParentBinaries", "matchNamespaces", "matchCapabilities", "matchNamespaceChanges",
            "matchCapabilityChanges", "matchActions", "matchReturnActions");
    static final List<String> MATCH_ARGS = List.of("index", "args", "operator", "values");
    static final List<String> MATCH_BINARIES = List.of("operator", "values", "followChildren");
    static final List<String> MATCH_PIDS = List.of("operator", "values", "followForks", "isNamespacePID");
    static final List<String> MATCH_NAMESPACES = List.of("namespace", "operator", "values");
    static final List<String> MATCH_NAMESPACE_CHANGES = List.of("operator", "values");
    static final List<String> MATCH_CAPABILITIES = List.of("type", "operator", "isNamespaceCapability", "values");
    static final List<String> ACTION = List.of("action", "argError", "argSig", "argFd", "argName", "argSock",
            "argIndex", "argValue", "argUrl", "argFqdn", "argRegs", "rateLimit", "rateLimitScope", "kernelStackTrace",
            "userStackTrace", "imaHash");

    /** Tetragon's docs spell this operator "NotSPortPriv"; its CRD enum (which checks policies) "NotSportPriv". */
    private static final String DOCS_NOT_SPORT_PRIV = "NotSPortPriv";

    private static final long INT32_MIN = Integer.MIN_VALUE;
    private static final long INT32_MAX = Integer.MAX_VALUE;
    /** matchPIDs values are []uint32 in Tetragon's PIDSelector. */
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private final Diagnostics diag;
    private final SourceMap src;

    SelectorBinder(Diagnostics diag, SourceMap src) {
        this.diag = diag;
        this.src = src;
    }

    List<Selector> selectors(Fields hook) {
        List<Selector> out = new ArrayList<>();
        for (Fields f : hook.maps("selectors", "selector", SELECTOR)) {
            Selector s = new Selector(
                    matchArgs(f, "matchArgs"), matchArgs(f, "matchData"), matchArgs(f, "matchReturnArgs"),
                    matchPids(f), matchBinaries(f, "matchBinaries"), matchBinaries(f, "matchParentBinaries"),
                    matchNamespaces(f), matchCapabilities(f, "matchCapabilities"), matchNamespaceChanges(f),
                    matchCapabilities(f, "matchCapabilityChanges"), actions(f, "matchActions"),
                    actions(f, "matchReturnActions"));
            src.put(s, f);
            out.add(s);
        }
        return out;
    }

    private List<MatchArgs> matchArgs(Fields selector, String key) {
        List<MatchArgs> out = new ArrayList<>();
        for (Fields f : selector.maps(key, key + " entry", MATCH_ARGS)) {
            OptionalLong index = f.integer("index", 0, INT32_MAX);
            List<Integer> args = f.integers("args", 0, INT32_MAX).stream().map(Long::intValue).toList();
            Optional<ArgOperator> op = argOperator(f);
            List<String> values = f.strings("values");
            if (op.isPresent() && f.listOrAbsent("values")) {
                MatchArgs m = new MatchArgs(index.isPresent() ? OptionalInt.of((int) index.getAsLong()) : OptionalInt.empty(),
                        args, op.get(), values);
                src.put(m, f);
                out.add(m);
            }
        }
        return out;
    }

    private Optional<ArgOperator> argOperator(Fields f) {
        Optional<String> text = f.string("operator");
        if (text.isEmpty() || text.get().isEmpty()) {
            f.missing("operator");
            return Optional.empty();
        }
        if (text.get().equals(DOCS_NOT_SPORT_PRIV)) {
            diag.warn(f.valuePosition("operator"), "operator 'NotSPortPriv' is spelled 'NotSportPriv' in Tetragon's"
                    + " schema, which refuses the spelling of its docs; Vigil reads it as NotSportPriv");
            return Optional.of(ArgOperator.NOT_SPORT_PRIV);
        }
        return f.spelled(text.get(), ArgOperator.class, "operator", f.valuePosition("operator"));
    }

    private List<MatchBinaries> matchBinaries(Fields selector, String key) {
        List<MatchBinaries> out = new ArrayList<>();
        for (Fields f : selector.maps(key, key + " entry", MATCH_BINARIES)) {
            Optional<BinaryOperator> op = f.requiredEnum("operator", BinaryOperator.class, "operator");
            List<String> values = requiredStrings(f);
            boolean followChildren = f.bool("followChildren", false);
            op.ifPresent(o -> {
                MatchBinaries m = new MatchBinaries(o, values, followChildren);
                src.put(m, f);
                out.add(m);
            });
        }
        return out;
    }

    private List<MatchPids> matchPids(Fields selector) {
        List<MatchPids> out = new ArrayList<>();
        for (Fields f : selector.maps("matchPIDs", "matchPIDs entry", MATCH_PIDS)) {
            Optional<SetOperator> op = f.requiredEnum("operator", SetOperator.class, "operator");
            if (!f.has("values")) {
                f.missing("values");
            }
            List<Long> values = f.integers("values", 0, UINT32_MAX);
            boolean followForks = f.bool("followForks", false);
            boolean nsPid = f.bool("isNamespacePID", false);
            op.ifPresent(o -> {
                MatchPids m = new MatchPids(o, values, followForks, nsPid);
                src.put(m, f);
                out.add(m);
            });
        }
        return out;
    }

    private List<MatchNamespaces> matchNamespaces(Fields selector) {
        List<MatchNamespaces> out = new ArrayList<>();
        for (Fields f : selector.maps("matchNamespaces", "matchNamespaces entry", MATCH_NAMESPACES)) {
            Optional<NamespaceType> ns = f.requiredEnum("namespace", NamespaceType.class, "namespace");
            Optional<SetOperator> op = f.requiredEnum("operator", SetOperator.class, "operator");
            List<String> values = requiredStrings(f);
            if (ns.isPresent() && op.isPresent()) {
                MatchNamespaces m = new MatchNamespaces(ns.get(), op.get(), values);
                src.put(m, f);
                out.add(m);
            }
        }
        return out;
    }

    /** Tetragon lower-cases these names before looking them up (ParseMatchNamespaceChange). */
    private List<MatchNamespaceChanges> matchNamespaceChanges(Fields selector) {
        List<MatchNamespaceChanges> out = new ArrayList<>();
        for (Fields f : selector.maps("matchNamespaceChanges", "matchNamespaceChanges entry", MATCH_NAMESPACE_CHANGES)) {
            Optional<SetOperator> op = f.requiredEnum("operator", SetOperator.class, "operator");
            List<String> texts = requiredStrings(f);
            List<NamespaceType> values = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                lenient(texts.get(i), NamespaceType.class, "namespace", itemPosition(f, "values", i)).ifPresent(values::add);
            }
            op.ifPresent(o -> {
                MatchNamespaceChanges m = new MatchNamespaceChanges(o, values);
                src.put(m, f);
                out.add(m);
            });
        }
        return out;
    }

    private List<MatchCapabilities> matchCapabilities(Fields selector, String key) {
        List<MatchCapabilities> out = new ArrayList<>();
        for (Fields f : selector.maps(key, key + " entry", MATCH_CAPABILITIES)) {
            CapabilitySet type = f.enumValue("type", CapabilitySet.class, "capability set").orElse(CapabilitySet.EFFECTIVE);
            Optional<SetOperator> op = f.requiredEnum("operator", SetOperator.class, "operator");
            boolean ns = f.bool("isNamespaceCapability", false);
            List<String> texts = requiredStrings(f);
            List<Capability> values = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                capability(texts.get(i), itemPosition(f, "values", i)).ifPresent(values::add);
            }
            op.ifPresent(o -> {
                MatchCapabilities m = new MatchCapabilities(type, o, ns, values);
                src.put(m, f);
                out.add(m);
            });
        }
        return out;
    }

    /** Tetragon trims and upper-cases capability names (capsStrToUint64 in pkg/selectors/kernel.go). */
    Optional<Capability> capability(String text, Position at) {
        String name = text.strip().toUpperCase(Locale.ROOT);
        Optional<Capability> c = Spellings.lookup(Capability.class, name);
        if (c.isEmpty()) {
            String hint = name.equals("CAP_DAC_OVERRIDE")
                    ? " (Tetragon's API names it 'DAC_OVERRIDE', without the CAP_ prefix, and refuses 'CAP_DAC_OVERRIDE')"
                    : "";
            diag.error(at, "capability '" + text + "' not known" + hint + "; allowed: " + Spellings.allowed(Capability.class));
        }
        return c;
    }

    private List<MatchAction> actions(Fields selector, String key) {
        List<MatchAction> out = new ArrayList<>();
        for (Fields f : selector.maps(key, key + " entry", ACTION)) {
            Optional<ActionType> type = f.requiredEnum("action", ActionType.class, "action");
            Optional<Duration> rateLimit = f.string("rateLimit").filter(s -> !s.isEmpty())
                    .flatMap(s -> rateLimit(s, f.valuePosition("rateLimit")));
            Optional<RateLimitScope> scope = f.enumValue("rateLimitScope", RateLimitScope.class, "rateLimitScope");
            MatchAction a = new MatchAction(type.orElse(ActionType.POST),
                    int32(f, "argError"), int32(f, "argSig"), int32(f, "argFd"), int32(f, "argName"),
                    int32(f, "argSock"), int32(f, "argIndex"), int32(f, "argValue"),
                    f.string("argUrl"), f.string("argFqdn"), f.strings("argRegs"), rateLimit, scope,
                    f.bool("kernelStackTrace", false), f.bool("userStackTrace", false), f.bool("imaHash", false));
            if (type.isPresent()) {
                src.put(a, f);
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Tetragon's parseRateLimit: a number of seconds, or a number followed by s, m or h (either case),
     * at most 2^32-1 of the unit.
     */
    private Optional<Duration> rateLimit(String text, Position at) {
        char unit = text.charAt(text.length() - 1);
        long seconds = switch (Character.toLowerCase(unit)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> 0;
        };
        String digits = seconds == 0 ? text : text.substring(0, text.length() - 1);
        if (seconds == 0) {
            seconds = 1;
        }
        if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() <= 10) {
            long n = Long.parseLong(digits);
            if (n <= UINT32_MAX) {
                return Optional.of(Duration.ofSeconds(n * seconds));
            }
        }
        diag.error(at, "rateLimit '" + text + "' is not a period; write seconds (30 or 30s), minutes (5m) or hours (1h)");
        return Optional.empty();
    }

    private static OptionalInt int32(Fields f, String key) {
        OptionalLong v = f.integer(key, INT32_MIN, INT32_MAX);
        return v.isPresent() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
    }

    private static List<String> requiredStrings(Fields f) {
        if (!f.has("values")) {
            f.missing("values");
        }
        return f.strings("values");
    }

    private static Position itemPosition(Fields f, String key, int i) {
        return f.positions().getOrDefault(key + "[" + i + "]", f.valuePosition(key));
    }

    /** Case-insensitive lookup, for the lists Tetragon lower-cases itself. */
    private <E extends Enum<E> & Spelled> Optional<E> lenient(String text, Class<E> type, String what, Position at) {
        Optional<E> e = Spellings.ignoringCase(type, text.strip());
        if (e.isEmpty()) {
            diag.error(at, what + " '" + text + "' not known; allowed: " + Spellings.allowed(type));
        }
        return e;
    }

}

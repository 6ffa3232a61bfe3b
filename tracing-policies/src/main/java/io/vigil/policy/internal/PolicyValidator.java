// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.EnforcerSpec;
import io.vigil.policy.HookKind;
import io.vigil.policy.HookSpec;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ListSpec;
import io.vigil.policy.ListType;
import io.vigil.policy.LsmHookSpec;
import io.vigil.policy.OptionSpec;
import io.vigil.policy.PolicyMode;
import io.vigil.policy.PolicySpec;
import io.vigil.policy.ReturnArgAction;
import io.vigil.policy.Selector;
import io.vigil.policy.TracingPolicy;
import io.vigil.policy.UprobeSpec;
import io.vigil.policy.VigilSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a policy means, checked against Tetragon's rules and limits ({@link TetragonLimits}): lists,
 * options, hooks and their arguments here; selectors in {@link SelectorValidator}. Errors are what
 * Tetragon refuses or what cannot work as written; warnings are what Tetragon ignores and what Vigil
 * parses but will not run.
 */
final class PolicyValidator {

    private final Diagnostics diag;
    private final SourceMap src;

    PolicyValidator(Diagnostics diag, SourceMap src) {
        this.diag = diag;
        this.src = src;
    }

    void validate(TracingPolicy policy) {
        PolicySpec spec = policy.spec();
        lists(spec);
        options(spec);
        enforcers(spec);
        if (spec.hooks().isEmpty() && !spec.loader()) {
            diag.warn(src.key(policy, "spec"), "policy '" + policy.name() + "' has no hooks (kprobes, tracepoints,"
                    + " lsmhooks, uprobes, usdts): it loads but observes nothing");
        }
        if (spec.loader()) {
            diag.warn(src.key(spec, "loader"), "loader: true (loader events) is parsed but Vigil will not produce loader events");
        }
        spec.podSelector().ifPresent(s -> diag.warn(src.key(spec, "podSelector"),
                "podSelector is kept but not applied: Vigil runs on the host, outside Kubernetes"));
        spec.containerSelector().ifPresent(s -> diag.warn(src.key(spec, "containerSelector"),
                "containerSelector is kept but not applied: Vigil runs on the host, outside Kubernetes"));

        SelectorValidator selectors = new SelectorValidator(diag, src);
        for (HookSpec hook : spec.hooks()) {
            hook(HookContext.of(hook, spec), selectors);
        }
    }

    // ---- lists, options, enforcers ---------------------------------------------------------------

    private void lists(PolicySpec spec) {
        Map<String, ListSpec> byName = new HashMap<>();
        for (ListSpec l : spec.lists()) {
            ListSpec first = byName.putIfAbsent(l.name(), l);
            if (first != null && !l.name().isEmpty()) {
                diag.error(src.value(l, "name"), "list '" + l.name() + "' is defined twice (first at line "
                        + src.of(first).line() + "); list names must be unique in a policy");
            }
            ListType type = l.type().orElse(null);
            if (type == ListType.GENERATED_FTRACE && l.pattern().filter(p -> !p.isEmpty()).isEmpty()) {
                diag.error(src.of(l), "list '" + l.name() + "' of type generated_ftrace needs a pattern"
                        + " (a regular expression over available_filter_functions)");
            }
            if (type != ListType.GENERATED_FTRACE && l.pattern().isPresent()) {
                diag.warn(src.value(l, "pattern"), "pattern is only used by lists of type generated_ftrace; it is ignored here");
            }
            boolean generated = type == ListType.GENERATED_FTRACE || type == ListType.GENERATED_SYSCALLS;
            if (generated && !l.values().isEmpty()) {
                diag.warn(src.value(l, "values"), "a list of type " + type.spelling() + " is generated; its values are ignored");
            }
            if (!generated && l.values().isEmpty()) {
                diag.error(src.of(l), "list '" + l.name() + "' has no values");
            }
        }
    }

    private void options(PolicySpec spec) {
        Map<String, OptionSpec> seen = new HashMap<>();
        for (OptionSpec o : spec.options()) {
            if (o.name().isEmpty()) {
                continue;
            }
            if (seen.putIfAbsent(o.name(), o) != null) {
                diag.warn(src.value(o, "name"), "option '" + o.name() + "' is given more than once");
            }
            switch (o.name()) {
                case OptionSpec.POLICY_MODE -> {
                    if (Spellings.lookup(PolicyMode.class, o.value()).isEmpty()) {
                        diag.error(src.value(o, "value"), "policy-mode '" + o.value() + "' not known; allowed: "
                                + Spellings.allowed(PolicyMode.class));
                    }
                }
                case OptionSpec.DISABLE_KPROBE_MULTI, OptionSpec.DISABLE_UPROBE_MULTI, OptionSpec.DISABLE_FANOTIFY_OBSERVE,
                        OptionSpec.DISABLE_DISPATCH -> {
                    if (!ValueSyntax.isGoBool(o.value())) {
                        diag.error(src.value(o, "value"), "option '" + o.name() + "' takes a boolean (1, 0, true,"
                                + " false, t, f), found '" + o.value() + "'");
                    }
                }
                default -> diag.warn(src.value(o, "name"), "option '" + o.name() + "' is not one Tetragon documents ("
                        + String.join(", ", OptionSpec.KNOWN) + "); it is kept and ignored");
            }
        }
    }

    private void enforcers(PolicySpec spec) {
        for (int i = 0; i < spec.enforcers().size(); i++) {
            EnforcerSpec e = spec.enforcers().get(i);
            if (i >= TetragonLimits.MAX_ENFORCERS) {
                diag.error(src.of(e), "a policy has at most " + TetragonLimits.MAX_ENFORCERS
                        + " enforcer (Tetragon: only a single enforcer definition is allowed)");
            }
            for (int j = 0; j < e.calls().size(); j++) {
                ListReferences.check(diag, spec, e.calls().get(j), src.item(e, "calls", j));
            }
        }
    }

    // ---- hooks -------------------------------------------------------------------------------------

    private void hook(HookContext c, SelectorValidator selectors) {
        HookSpec h = c.hook();
        if (h.kind().support() == VigilSupport.PARSED_ONLY) {
            diag.warn(src.of(h), h.kind().spelling() + " are parsed but Vigil will not run them (Vigil hooks the"
                    + " kernel: kprobes, tracepoints and LSM hooks)");
        }
        h.message().ifPresent(m -> {
            if (m.length() > TetragonLimits.MAX_MESSAGE_CHARS) {
                diag.warn(src.value(h, "message"), "message is " + m.length() + " characters long; Tetragon cuts it to "
                        + TetragonLimits.MAX_MESSAGE_CHARS);
            }
        });
        if (h.tags().size() > TetragonLimits.MAX_TAGS) {
            diag.error(src.item(h, "tags", TetragonLimits.MAX_TAGS), c.name() + " has " + h.tags().size()
                    + " tags; at most " + TetragonLimits.MAX_TAGS + " are allowed");
        }
        if (h instanceof KprobeSpec k) {
            kprobe(k, c);
        } else if (h instanceof LsmHookSpec l) {
            lsmHook(l);
        } else if (h instanceof UprobeSpec u) {
            uprobe(u, c);
        }
        args(c);
        List<Selector> sels = h.selectors();
        if (sels.size() > TetragonLimits.MAX_SELECTORS) {
            diag.error(src.of(sels.get(TetragonLimits.MAX_SELECTORS)), c.name() + " has " + sels.size()
                    + " selectors; at most " + TetragonLimits.MAX_SELECTORS + " are allowed per hook");
        }
        for (Selector s : sels) {
            selectors.validate(s, c);
        }
    }

    private void kprobe(KprobeSpec k, HookContext c) {
        k.listName().ifPresent(n -> ListReferences.check(diag, c.spec(), k.call(), src.value(k, "call")));
        returnValue(k, k.returns(), k.returnArg(), c);
        k.returnArgAction().ifPresent(action -> {
            if (!k.returns()) {
                diag.warn(src.value(k, "returnArgAction"), "returnArgAction is ignored unless return: true");
            } else if (action != ReturnArgAction.POST && k.returnArg().isPresent()
                    && k.returnArg().get().type() != ArgType.SOCK && k.returnArg().get().type() != ArgType.AUTO) {
                diag.error(src.value(k, "returnArgAction"), "returnArgAction " + action.spelling() + " needs a returnArg"
                        + " of type sock, found '" + k.returnArg().get().type().spelling() + "'");
            }
        });
    }

    private void returnValue(HookSpec h, boolean returns, Optional<ArgSpec> returnArg, HookContext c) {
        if (returns && returnArg.isEmpty()) {
            diag.error(src.value(h, "return"), "return: true needs a returnArg, the type of the returned value"
                    + " (e.g. returnArg: {index: 0, type: int})");
        }
        if (!returns && returnArg.isPresent()) {
            diag.warn(src.key(h, "returnArg"), "returnArg is ignored unless return: true");
        }
    }

    private void lsmHook(LsmHookSpec l) {
        for (String prefix : List.of("security_", "bpf_lsm_")) {
            if (l.hook().startsWith(prefix)) {
                diag.error(src.value(l, "hook"), "LSM hook names have no prefix: write '"
                        + l.hook().substring(prefix.length()) + "', not '" + l.hook() + "'");
            }
        }
    }

    private void uprobe(UprobeSpec u, HookContext c) {
        if (u.symbols().isEmpty() && u.offsets().isEmpty() && u.addrs().isEmpty()) {
            diag.error(src.of(u), c.name() + " needs symbols, offsets or addrs to attach to");
        }
        returnValue(u, u.returns(), u.returnArg(), c);
        for (ArgSpec a : u.args()) {
            if (a.resolve().isPresent()) {
                diag.error(src.value(a, "resolve"), "resolve is not supported on uprobes (Tetragon refuses it)");
            }
        }
    }

    // ---- arguments ---------------------------------------------------------------------------------

    private void args(HookContext c) {
        List<ArgSpec> declared = c.args();
        if (c.functionArgs() && declared.size() + c.data().size() > TetragonLimits.MAX_ARGS) {
            diag.error(src.key(c.hook(), "args"), c.name() + " declares " + declared.size() + " args and "
                    + c.data().size() + " data values; Tetragon reads at most " + TetragonLimits.MAX_ARGS + " in all");
        }
        List<ArgSpec> all = new ArrayList<>(declared);
        all.addAll(c.data());
        c.returnArg().ifPresent(all::add);
        for (int i = 0; i < all.size(); i++) {
            ArgSpec a = all.get(i);
            boolean functionArg = i < declared.size(); // data values and the return value have no register index
            if (c.functionArgs() && functionArg && a.index() > TetragonLimits.MAX_ARG_INDEX) {
                diag.error(src.value(a, "index"), "argument index " + a.index() + " is out of range for a "
                        + c.kind().displayName() + ": Tetragon reads function arguments 0 to " + TetragonLimits.MAX_ARG_INDEX);
            }
            sizeArgIndex(a, declared);
            boolean buffer = a.type() == ArgType.CHAR_BUF || a.type() == ArgType.CHAR_IOVEC || a.type() == ArgType.AUTO;
            if (a.returnCopy()) {
                if (!buffer) {
                    diag.warn(src.value(a, "returnCopy"), "returnCopy is only used by char_buf and char_iovec;"
                            + " it is ignored for type '" + a.type().spelling() + "'");
                } else if (c.kind() != HookKind.KPROBE) {
                    diag.warn(src.value(a, "returnCopy"), "returnCopy reads the buffer when the function returns;"
                            + " only kprobes have a return probe, so it is ignored on a " + c.kind().displayName());
                }
            }
            if (a.maxData()) {
                if (a.type() != ArgType.CHAR_BUF && a.type() != ArgType.IOV_ITER && a.type() != ArgType.AUTO) {
                    diag.warn(src.value(a, "maxData"), "maxData is only used by char_buf and iov_iter; it is ignored for type '"
                            + a.type().spelling() + "'");
                } else if (a.returnCopy()) {
                    diag.warn(src.value(a, "maxData"), "maxData does not work together with returnCopy (Tetragon's docs)");
                }
            }
        }
    }

    /** sizeArgIndex is 1-based: the number of the argument holding the size, i.e. its index + 1. */
    private void sizeArgIndex(ArgSpec a, List<ArgSpec> declared) {
        int n = a.sizeArgIndex();
        if (n == 0) {
            return;
        }
        if (n > TetragonLimits.MAX_SIZE_ARG_INDEX) {
            diag.error(src.value(a, "sizeArgIndex"), "sizeArgIndex " + n + " is out of range (1 to "
                    + TetragonLimits.MAX_SIZE_ARG_INDEX + ")");
            return;
        }
        if (a.type() != ArgType.CHAR_BUF && a.type() != ArgType.CHAR_IOVEC) {
            if (a.type() != ArgType.AUTO) {
                diag.warn(src.value(a, "sizeArgIndex"), "sizeArgIndex is only used by char_buf and char_iovec;"
                        + " it is ignored for type '" + a.type().spelling() + "'");
            }
            return;
        }
        int target = n - 1;
        String oneBased = "sizeArgIndex is 1-based (index + 1)";
        Optional<ArgSpec> integerAtN = declared.stream().filter(d -> d.index() == n && d.type().isInteger()).findFirst();
        String hint = integerAtN.map(d -> ": for the " + d.type().spelling() + " at index " + n + ", write "
                + (n + 1)).orElse("");
        if (target == a.index()) {
            diag.error(src.value(a, "sizeArgIndex"), "sizeArgIndex " + n + " points at this argument itself (index "
                    + a.index() + "); " + oneBased + hint);
            return;
        }
        declared.stream().filter(d -> d.index() == target).findFirst().ifPresent(d -> {
            if (!d.type().isInteger() && d.type() != ArgType.AUTO) {
                diag.error(src.value(a, "sizeArgIndex"), "sizeArgIndex " + n + " points at argument index " + target
                        + " of type '" + d.type().spelling() + "', which is not an integer; " + oneBased + hint);
            }
        });
    }
}

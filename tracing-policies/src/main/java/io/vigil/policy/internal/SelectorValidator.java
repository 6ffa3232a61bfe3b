// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.BinaryOperator;
import io.vigil.policy.MatchAction;
import io.vigil.policy.MatchArgs;
import io.vigil.policy.MatchBinaries;
import io.vigil.policy.MatchNamespaces;
import io.vigil.policy.MatchPids;
import io.vigil.policy.Selector;
import io.vigil.policy.internal.ArgFilterValidator.Target;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One selector against Tetragon's per-selector limits ({@link TetragonLimits}); argument filters go to
 * {@link ArgFilterValidator}, actions to {@link ActionValidator}. One instance per policy: it counts
 * followChildren over the whole policy.
 */
final class SelectorValidator {

    private final Diagnostics diag;
    private final SourceMap src;
    private final ArgFilterValidator argFilters;
    private final ActionValidator actions;
    private int followChildren;

    SelectorValidator(Diagnostics diag, SourceMap src) {
        this.diag = diag;
        this.src = src;
        this.argFilters = new ArgFilterValidator(diag, src);
        this.actions = new ActionValidator(diag, src);
    }

    void validate(Selector s, HookContext c) {
        List<MatchArgs> filters = new ArrayList<>(s.matchArgs());
        filters.addAll(s.matchData());
        if (filters.size() > TetragonLimits.MAX_MATCH_ARGS) {
            diag.error(src.of(filters.get(TetragonLimits.MAX_MATCH_ARGS)), "selector has " + filters.size()
                    + " matchArgs and matchData filters; at most " + TetragonLimits.MAX_MATCH_ARGS + " are allowed per selector");
        }
        for (MatchArgs m : s.matchArgs()) {
            argFilters.validate(m, c, Target.ARGS);
        }
        if (!s.matchData().isEmpty()) {
            diag.warn(src.key(s, "matchData"), "matchData is parsed but Vigil will not evaluate it");
        }
        for (MatchArgs m : s.matchData()) {
            argFilters.validate(m, c, Target.DATA);
        }
        if (returnSelectorsUsable(s, c)) {
            if (s.matchReturnArgs().size() > TetragonLimits.MAX_MATCH_ARGS) {
                diag.error(src.of(s.matchReturnArgs().get(TetragonLimits.MAX_MATCH_ARGS)), "selector has "
                        + s.matchReturnArgs().size() + " matchReturnArgs filters; at most " + TetragonLimits.MAX_MATCH_ARGS);
            }
            for (MatchArgs m : s.matchReturnArgs()) {
                argFilters.validate(m, c, Target.RETURN);
            }
        }
        pids(s);
        binaries(s, s.matchBinaries(), "matchBinaries");
        binaries(s, s.matchParentBinaries(), "matchParentBinaries");
        if (!s.matchParentBinaries().isEmpty()) {
            diag.warn(src.key(s, "matchParentBinaries"), "matchParentBinaries is parsed but Vigil will not evaluate it"
                    + " (Tetragon needs --parents-map-enabled for it)");
        }
        namespaces(s);
        if (s.matchNamespaceChanges().size() > TetragonLimits.MAX_NAMESPACE_CHANGES_FILTERS) {
            diag.error(src.of(s.matchNamespaceChanges().get(1)), "a selector takes one matchNamespaceChanges entry;"
                    + " put all namespace types in its values");
        }
        actions(s.matchActions(), "matchActions", c);
        actions(s.matchReturnActions(), "matchReturnActions", c);
    }

    /** matchReturnArgs and matchReturnActions need a hook that returns, with return: true and a returnArg. */
    private boolean returnSelectorsUsable(Selector s, HookContext c) {
        if (s.matchReturnArgs().isEmpty() && s.matchReturnActions().isEmpty()) {
            return false;
        }
        String field = s.matchReturnArgs().isEmpty() ? "matchReturnActions" : "matchReturnArgs";
        if (!c.canReturn()) {
            diag.error(src.key(s, field), field + " needs a return value; only kprobes and uprobes with return: true"
                    + " have one, not a " + c.kind().displayName());
            return false;
        }
        if (!c.returns()) {
            diag.error(src.key(s, field), field + " needs return: true on " + c.name());
            return false;
        }
        // return: true without a returnArg is reported on the hook itself
        return c.returnArg().isPresent();
    }

    private void pids(Selector s) {
        for (MatchPids p : s.matchPids()) {
            if (p.values().isEmpty()) {
                diag.error(src.value(p, "values"), "matchPIDs entry has no values");
            }
            if (p.values().size() > TetragonLimits.MAX_PID_VALUES) {
                diag.error(src.item(p, "values", TetragonLimits.MAX_PID_VALUES), "matchPIDs entry has " + p.values().size()
                        + " values; at most " + TetragonLimits.MAX_PID_VALUES + " (Tetragon's BPF filter compares no more)");
            }
        }
    }

    private void binaries(Selector s, List<MatchBinaries> entries, String field) {
        if (entries.size() > TetragonLimits.MAX_MATCH_BINARIES) {
            diag.error(src.of(entries.get(1)), "a selector takes one " + field + " entry; put all paths in its values");
        }
        for (MatchBinaries b : entries) {
            if (b.values().isEmpty()) {
                diag.error(src.value(b, "values"), field + " entry has no values");
            }
            if (b.followChildren()) {
                if (b.operator() != BinaryOperator.IN && b.operator() != BinaryOperator.NOT_IN) {
                    diag.error(src.value(b, "followChildren"), "followChildren works with operators In and NotIn only,"
                            + " not " + b.operator().spelling());
                }
                if (++followChildren == TetragonLimits.MAX_FOLLOW_CHILDREN + 1) {
                    diag.error(src.value(b, "followChildren"), "more than " + TetragonLimits.MAX_FOLLOW_CHILDREN
                            + " matchBinaries entries with followChildren: true");
                }
            }
            int max = switch (b.operator()) {
                case IN, NOT_IN -> TetragonLimits.MAX_BINARY_PATH_BYTES;
                case PREFIX, NOT_PREFIX -> TetragonLimits.MAX_PREFIX_BYTES;
                case POSTFIX, NOT_POSTFIX -> TetragonLimits.MAX_POSTFIX_BYTES;
            };
            for (int i = 0; i < b.values().size(); i++) {
                int bytes = b.values().get(i).getBytes(StandardCharsets.UTF_8).length;
                if (bytes > max) {
                    diag.error(src.item(b, "values", i), field + " " + b.operator().spelling() + " value is " + bytes
                            + " bytes long; at most " + max);
                }
            }
        }
    }

    private void namespaces(Selector s) {
        List<MatchNamespaces> entries = s.matchNamespaces();
        if (entries.size() > TetragonLimits.MAX_NAMESPACE_FILTERS) {
            diag.error(src.of(entries.get(TetragonLimits.MAX_NAMESPACE_FILTERS)), "selector has " + entries.size()
                    + " matchNamespaces entries; at most " + TetragonLimits.MAX_NAMESPACE_FILTERS);
        }
        for (MatchNamespaces n : entries) {
            if (n.values().isEmpty()) {
                diag.error(src.value(n, "values"), "matchNamespaces entry has no values");
            }
            if (n.values().size() > TetragonLimits.MAX_NAMESPACE_VALUES) {
                diag.error(src.item(n, "values", TetragonLimits.MAX_NAMESPACE_VALUES), "matchNamespaces entry has "
                        + n.values().size() + " values; at most " + TetragonLimits.MAX_NAMESPACE_VALUES);
            }
            for (int i = 0; i < n.values().size(); i++) {
                String v = n.values().get(i);
                BigInteger inode = ValueSyntax.decimal(v);
                boolean ok = v.equals(MatchNamespaces.HOST_NS)
                        || (inode != null && inode.signum() >= 0 && inode.bitLength() <= 32);
                if (!ok) {
                    diag.error(src.item(n, "values", i), "namespace value '" + v + "' must be a namespace inode number"
                            + " (as lsns shows it) or " + MatchNamespaces.HOST_NS);
                }
            }
        }
    }

    private void actions(List<MatchAction> list, String field, HookContext c) {
        if (list.size() > TetragonLimits.MAX_ACTIONS) {
            diag.error(src.of(list.get(TetragonLimits.MAX_ACTIONS)), field + " has " + list.size()
                    + " actions; at most " + TetragonLimits.MAX_ACTIONS + " per selector");
        }
        for (MatchAction a : list) {
            actions.validate(a, c);
        }
    }
}

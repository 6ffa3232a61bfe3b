// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code spec} of a policy.
 *
 * @param podSelector       kept as written; Vigil runs outside Kubernetes and does not apply it
 * @param containerSelector kept as written; not applied either
 * @param loader            {@code loader: true} asks for loader (shared library) events
 */
public record PolicySpec(
        List<KprobeSpec> kprobes,
        List<TracepointSpec> tracepoints,
        List<LsmHookSpec> lsmHooks,
        List<UprobeSpec> uprobes,
        List<UsdtSpec> usdts,
        List<ListSpec> lists,
        List<OptionSpec> options,
        List<EnforcerSpec> enforcers,
        Optional<LabelSelector> podSelector,
        Optional<LabelSelector> containerSelector,
        boolean loader) {

    public PolicySpec {
        kprobes = List.copyOf(kprobes);
        tracepoints = List.copyOf(tracepoints);
        lsmHooks = List.copyOf(lsmHooks);
        uprobes = List.copyOf(uprobes);
        usdts = List.copyOf(usdts);
        lists = List.copyOf(lists);
        options = List.copyOf(options);
        enforcers = List.copyOf(enforcers);
    }

    /** Every hook of the policy, kprobes first, then tracepoints, LSM hooks, uprobes and USDTs. */
    public List<HookSpec> hooks() {
        List<HookSpec> all = new ArrayList<>();
        all.addAll(kprobes);
        all.addAll(tracepoints);
        all.addAll(lsmHooks);
        all.addAll(uprobes);
        all.addAll(usdts);
        return List.copyOf(all);
    }

    public Optional<ListSpec> list(String name) {
        return lists.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** The value of the first option with this name. */
    public Optional<String> option(String name) {
        return options.stream().filter(o -> o.name().equals(name)).map(OptionSpec::value).findFirst();
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;

/** {@code spec.options[]}: a name and a string value, passed to the hooks. */
public record OptionSpec(String name, String value) {

    /** {@code enforce} or {@code monitor} (Tetragon's docs/concepts/tracing-policy/mode.md). */
    public static final String POLICY_MODE = "policy-mode";
    /** A boolean: attach kprobes one by one instead of through a kprobe_multi link. */
    public static final String DISABLE_KPROBE_MULTI = "disable-kprobe-multi";
    /** A boolean: attach uprobes one by one instead of through a uprobe_multi link. */
    public static final String DISABLE_UPROBE_MULTI = "disable-uprobe-multi";

    /**
     * Vigil's own, a boolean: keep the policy's file-open hooks on BPF programs even where the agent
     * would observe them through fanotify FAN_OPEN marks (tracing-policies/README.md, "Observed through fanotify").
     */
    public static final String DISABLE_FANOTIFY_OBSERVE = "disable-fanotify-observe";

    /**
     * Vigil's own, a boolean: keep the policy's syscall enter hooks on programs of their own instead
     * of behind their tracepoint's dispatcher (tracing-policies/README.md, "One program per syscall tracepoint").
     */
    public static final String DISABLE_DISPATCH = "disable-dispatch";

    /** The option names Tetragon documents (docs/concepts/tracing-policy/options.md and mode.md). */
    public static final List<String> KNOWN = List.of(POLICY_MODE, DISABLE_KPROBE_MULTI, DISABLE_UPROBE_MULTI);
}

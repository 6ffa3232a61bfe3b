// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.EnforcerSpec;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.LabelOperator;
import io.vigil.policy.LabelSelector;
import io.vigil.policy.ListSpec;
import io.vigil.policy.ListType;
import io.vigil.policy.LsmHookSpec;
import io.vigil.policy.OptionSpec;
import io.vigil.policy.PolicyKind;
import io.vigil.policy.PolicySpec;
import io.vigil.policy.ReturnArgAction;
import io.vigil.policy.Selector;
import io.vigil.policy.SourceLocation;
import io.vigil.policy.TracepointSpec;
import io.vigil.policy.TracingPolicy;
import io.vigil.policy.UprobeSpec;
import io.vigil.policy.UsdtSpec;
import io.vigil.policy.asset.AssetProtectionPolicy;
import io.vigil.policy.internal.yaml.YamlReader.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one YAML document into a {@link TracingPolicy}: the document's shape, field names, value types
 * and enum spellings, as Tetragon's CRD schema and strict decoder check them. Field lists follow
 * Tetragon's reference (docs/content/en/docs/reference/tracing-policy.md). Meaning (indexes, limits,
 * operators against types) is {@link PolicyValidator}'s job. On an error the binder goes on, so that
 * one pass reports every error of the file; the model it returns then is only for further checks.
 */
final class PolicyBinder {

    static final List<String> TOP = List.of("apiVersion", "kind", "metadata", "spec");
    /** Kubernetes ObjectMeta: Tetragon decodes metadata into it, so any of its fields may appear. */
    static final List<String> METADATA = List.of("name", "namespace", "labels", "annotations", "generateName",
            "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
            "deletionGracePeriodSeconds", "ownerReferences", "finalizers", "managedFields", "selfLink");
    static final List<String> SPEC = List.of("kprobes", "tracepoints", "lsmhooks", "uprobes", "usdts", "lists",
            "options", "enforcers", "podSelector", "containerSelector", "loader");
    static final List<String> KPROBE = List.of("call", "syscall", "return", "message", "args", "data", "returnArg",
            "returnArgAction", "selectors", "tags", "ignore");
    static final List<String> TRACEPOINT = List.of("subsystem", "event", "raw", "message", "args", "selectors", "tags");
    static final List<String> LSM_HOOK = List.of("hook", "message", "args", "selectors", "tags");
    static final List<String> UPROBE = List.of("path", "symbols", "offsets", "addrs", "refCtrOffsets", "btfPath",
            "message", "args", "data", "return", "returnArg", "selectors", "tags");
    static final List<String> USDT = List.of("path", "provider", "name", "btfPath", "message", "args", "selectors", "tags");
    static final List<String> ARG = List.of("index", "type", "sizeArgIndex", "returnCopy", "maxData", "label",
            "resolve", "btfType", "source");
    static final List<String> IGNORE = List.of("callNotFound");
    static final List<String> LIST = List.of("name", "type", "values", "pattern", "validated");
    static final List<String> OPTION = List.of("name", "value");
    static final List<String> ENFORCER = List.of("calls");
    static final List<String> LABEL_SELECTOR = List.of("matchLabels", "matchExpressions");
    static final List<String> LABEL_REQUIREMENT = List.of("key", "operator", "values");

    /** KProbeArg.index and sizeArgIndex are int32 with minimum 0 in the CRD. */
    static final long INT32_MAX = Integer.MAX_VALUE;

    private final Diagnostics diag;
    private final SourceMap src;
    private final SelectorBinder selectors;

    PolicyBinder(Diagnostics diag, SourceMap src) {
        this.diag = diag;
        this.src = src;
        this.selectors = new SelectorBinder(diag, src);
    }

    Optional<TracingPolicy> bind(Document doc) {
        Optional<Fields> top = Fields.of(doc.root(), "policy document", TOP, diag);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        Fields f = top.get();
        String apiVersion = f.requiredString("apiVersion");
        if (apiVersion.equals(AssetProtectionPolicy.API_VERSION)) {
            diag.error(f.valuePosition("apiVersion"), "apiVersion '" + apiVersion + "' is for kind "
                    + AssetProtectionPolicy.KIND + "; TracingPolicy kinds take " + PolicyKind.API_VERSION);
        } else if (!apiVersion.isEmpty() && !apiVersion.equals(PolicyKind.API_VERSION)) {
            diag.error(f.valuePosition("apiVersion"),
                    "apiVersion '" + apiVersion + "' not known; allowed: " + PolicyKind.API_VERSION);
        }
        Optional<PolicyKind> kind = kind(f);

        String name = "";
        Optional<String> namespace = Optional.empty();
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
        Optional<Fields> meta = f.map("metadata", "metadata", METADATA);
        if (meta.isEmpty()) {
            if (!f.has("metadata")) {
                f.missing("metadata");
            }
        } else {
            Fields m = meta.get();
            name = m.requiredString("name");
            namespace = m.string("namespace").filter(s -> !s.isEmpty());
            labels = m.stringMap("labels");
            annotations = m.stringMap("annotations");
            if (kind.orElse(null) == PolicyKind.TRACING_POLICY_NAMESPACED && namespace.isEmpty()) {
                diag.error(m.position(), "metadata is missing required field 'namespace' (kind TracingPolicyNamespaced)");
            }
            if (kind.orElse(null) == PolicyKind.TRACING_POLICY && namespace.isPresent()) {
                diag.warn(m.valuePosition("namespace"),
                        "metadata.namespace is ignored for kind TracingPolicy, which applies to the whole host;"
                                + " use kind TracingPolicyNamespaced to limit a policy to a namespace");
            }
        }

        PolicySpec spec = f.map("spec", "spec", SPEC).map(this::spec).orElse(null);
        if (spec == null) {
            if (!f.has("spec")) {
                f.missing("spec");
            }
            spec = new PolicySpec(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(), Optional.empty(), Optional.empty(), false);
        }
        TracingPolicy policy = new TracingPolicy(kind.orElse(PolicyKind.TRACING_POLICY), name, namespace, labels,
                annotations, spec, new SourceLocation(diag.file(), doc.start().line(), doc.start().column()));
        src.put(policy, f);
        meta.ifPresent(m -> {
            src.field(policy, "metadata.name", m.valuePosition("name"));
            src.field(policy, "metadata.namespace", m.valuePosition("namespace"));
        });
        return Optional.of(policy);
    }

    /** As {@link Fields#requiredEnum}, but the kinds allowed include the other binder's. */
    private Optional<PolicyKind> kind(Fields f) {
        Optional<String> text = f.string("kind");
        if (text.isEmpty()) {
            f.missing("kind");
            return Optional.empty();
        }
        Optional<PolicyKind> kind = Spellings.lookup(PolicyKind.class, text.get());
        if (kind.isEmpty()) {
            String hint = text.get().equalsIgnoreCase(AssetProtectionPolicy.KIND)
                    ? " (spellings are case-sensitive: write '" + AssetProtectionPolicy.KIND + "')"
                    : Spellings.ignoringCase(PolicyKind.class, text.get())
                            .map(c -> " (spellings are case-sensitive: write '" + c.spelling() + "')").orElse("");
            diag.error(f.valuePosition("kind"), "kind '" + text.get() + "' not known" + hint + "; allowed: "
                    + Spellings.allowed(PolicyKind.class) + ", " + AssetProtectionPolicy.KIND);
        }
        return kind;
    }

    private PolicySpec spec(Fields f) {
        List<KprobeSpec> kprobes = new ArrayList<>();
        for (Fields k : f.maps("kprobes", "kprobe", KPROBE)) {
            kprobes.add(kprobe(k));
        }
        List<TracepointSpec> tracepoints = new ArrayList<>();
        for (Fields t : f.maps("tracepoints", "tracepoint", TRACEPOINT)) {
            tracepoints.add(tracepoint(t));
        }
        List<LsmHookSpec> lsm = new ArrayList<>();
        for (Fields l : f.maps("lsmhooks", "LSM hook", LSM_HOOK)) {
            lsm.add(lsmHook(l));
        }
        List<UprobeSpec> uprobes = new ArrayList<>();
        for (Fields u : f.maps("uprobes", "uprobe", UPROBE)) {
            uprobes.add(uprobe(u));
        }
        List<UsdtSpec> usdts = new ArrayList<>();
        for (Fields u : f.maps("usdts", "USDT probe", USDT)) {
            usdts.add(usdt(u));
        }
        List<ListSpec> lists = new ArrayList<>();
        for (Fields l : f.maps("lists", "list", LIST)) {
            lists.add(list(l));
        }
        List<OptionSpec> options = new ArrayList<>();
        for (Fields o : f.maps("options", "option", OPTION)) {
            OptionSpec option = new OptionSpec(o.requiredString("name"), o.string("value").orElse(""));
            src.put(option, o);
            options.add(option);
        }
        List<EnforcerSpec> enforcers = new ArrayList<>();
        for (Fields e : f.maps("enforcers", "enforcer", ENFORCER)) {
            if (!e.has("calls")) {
                e.missing("calls");
            }
            EnforcerSpec enforcer = new EnforcerSpec(e.strings("calls"));
            src.put(enforcer, e);
            enforcers.add(enforcer);
        }
        PolicySpec spec = new PolicySpec(kprobes, tracepoints, lsm, uprobes, usdts, lists, options, enforcers,
                f.map("podSelector", "podSelector", LABEL_SELECTOR).map(this::labelSelector),
                f.map("containerSelector", "containerSelector", LABEL_SELECTOR).map(this::labelSelector),
                f.bool("loader", false));
        src.put(spec, f);
        return spec;
    }

    private KprobeSpec kprobe(Fields f) {
        String call = f.requiredString("call");
        boolean ignoreCallNotFound = f.map("ignore", "ignore", IGNORE).map(i -> i.bool("callNotFound", false)).orElse(false);
        KprobeSpec k = new KprobeSpec(call,
                f.bool("syscall", true), // the CRD's default (+kubebuilder:default=true)
                f.bool("return", false),
                f.string("message"),
                args(f, "args", "argument"),
                args(f, "data", "data entry"),
                f.map("returnArg", "returnArg", ARG).map(this::arg),
                f.enumValue("returnArgAction", ReturnArgAction.class, "returnArgAction"),
                selectors(f),
                f.strings("tags"),
                ignoreCallNotFound);
        src.put(k, f);
        return k;
    }

    private TracepointSpec tracepoint(Fields f) {
        TracepointSpec t = new TracepointSpec(f.requiredString("subsystem"), f.requiredString("event"),
                f.bool("raw", false), f.string("message"), args(f, "args", "argument"), selectors(f), f.strings("tags"));
        src.put(t, f);
        return t;
    }

    private LsmHookSpec lsmHook(Fields f) {
        LsmHookSpec l = new LsmHookSpec(f.requiredString("hook"), f.string("message"), args(f, "args", "argument"),
                selectors(f), f.strings("tags"));
        src.put(l, f);
        return l;
    }

    private UprobeSpec uprobe(Fields f) {
        UprobeSpec u = new UprobeSpec(f.requiredString("path"), f.strings("symbols"),
                f.integers("offsets", 0, Long.MAX_VALUE), f.integers("addrs", 0, Long.MAX_VALUE),
                f.integers("refCtrOffsets", 0, Long.MAX_VALUE), f.string("btfPath"), f.string("message"),
                args(f, "args", "argument"), args(f, "data", "data entry"), f.bool("return", false),
                f.map("returnArg", "returnArg", ARG).map(this::arg), selectors(f), f.strings("tags"));
        src.put(u, f);
        return u;
    }

    private UsdtSpec usdt(Fields f) {
        UsdtSpec u = new UsdtSpec(f.requiredString("path"), f.requiredString("provider"), f.requiredString("name"),
                f.string("btfPath"), f.string("message"), args(f, "args", "argument"), selectors(f), f.strings("tags"));
        src.put(u, f);
        return u;
    }

    private List<Selector> selectors(Fields hook) {
        return selectors.selectors(hook);
    }

    private List<ArgSpec> args(Fields f, String key, String context) {
        List<ArgSpec> out = new ArrayList<>();
        for (Fields a : f.maps(key, context, ARG)) {
            out.add(arg(a));
        }
        return out;
    }

    private ArgSpec arg(Fields f) {
        int index = (int) f.requiredInteger("index", 0, INT32_MAX);
        // The CRD defaults type to auto (resolved from BTF at load time). A misspelled type binds as
        // auto too, so that checks further on do not pile up on the one mistake already reported.
        ArgType type = f.string("type").filter(t -> !t.isEmpty()).flatMap(t -> argType(t, f)).orElse(ArgType.AUTO);
        ArgSpec a = new ArgSpec(index, type, (int) f.integer("sizeArgIndex", 0, INT32_MAX).orElse(0),
                f.bool("returnCopy", false), f.bool("maxData", false), f.string("label"),
                f.string("resolve").filter(s -> !s.isEmpty()), f.string("btfType").filter(s -> !s.isEmpty()),
                f.string("source").filter(s -> !s.isEmpty()));
        src.put(a, f);
        return a;
    }

    /** C spellings people carry over from kernel sources, and the Tetragon type that reads them. */
    private static final Map<String, String> C_TYPE_HINTS = Map.ofEntries(
            Map.entry("u8", "uint8"), Map.entry("u16", "uint16"), Map.entry("u32", "uint32"), Map.entry("u64", "uint64"),
            Map.entry("s8", "int8"), Map.entry("s16", "int16"), Map.entry("s32", "int32"), Map.entry("s64", "int64"),
            Map.entry("__u32", "uint32"), Map.entry("__u64", "uint64"), Map.entry("__s32", "int32"),
            Map.entry("__s64", "int64"), Map.entry("unsigned int", "uint32"), Map.entry("unsigned long", "ulong"),
            Map.entry("char *", "string"), Map.entry("char*", "string"), Map.entry("const char *", "string"),
            Map.entry("pid_t", "int"), Map.entry("uid_t", "uint32"), Map.entry("gid_t", "uint32"),
            Map.entry("umode_t", "uint16"), Map.entry("loff_t", "int64"), Map.entry("ssize_t", "int64"));

    private Optional<ArgType> argType(String text, Fields f) {
        Optional<ArgType> t = Spellings.lookup(ArgType.class, text);
        if (t.isEmpty() && C_TYPE_HINTS.containsKey(text)) {
            diag.error(f.valuePosition("type"), "argument type '" + text + "' not known (Tetragon reads it as '"
                    + C_TYPE_HINTS.get(text) + "'); allowed: " + Spellings.allowed(ArgType.class));
            return Optional.empty();
        }
        return t.isPresent() ? t : f.spelled(text, ArgType.class, "argument type", f.valuePosition("type"));
    }

    private ListSpec list(Fields f) {
        ListSpec l = new ListSpec(f.requiredString("name"), f.enumValue("type", ListType.class, "list type"),
                f.strings("values"), f.string("pattern"), f.bool("validated", false));
        src.put(l, f);
        return l;
    }

    private LabelSelector labelSelector(Fields f) {
        List<LabelSelector.Requirement> reqs = new ArrayList<>();
        for (Fields r : f.maps("matchExpressions", "matchExpressions entry", LABEL_REQUIREMENT)) {
            String key = r.requiredString("key");
            r.requiredEnum("operator", LabelOperator.class, "operator").ifPresent(op -> {
                LabelSelector.Requirement req = new LabelSelector.Requirement(key, op, r.strings("values"));
                src.put(req, r);
                reqs.add(req);
            });
        }
        LabelSelector s = new LabelSelector(f.stringMap("matchLabels"), reqs);
        src.put(s, f);
        return s;
    }
}

// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.SourceLocation;
import io.vigil.policy.asset.AssetAction;
import io.vigil.policy.asset.AssetPattern;
import io.vigil.policy.asset.AssetProtectionPolicy;
import io.vigil.policy.asset.Budget;
import io.vigil.policy.asset.EgressRule;
import io.vigil.policy.asset.Reader;
import io.vigil.policy.internal.yaml.Position;
import io.vigil.policy.internal.yaml.YamlNode.Mapping;
import io.vigil.policy.internal.yaml.YamlNode.Scalar;
import io.vigil.policy.internal.yaml.YamlReader.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns one YAML document of kind AssetProtectionPolicy into the model, reporting every error at its
 * node as {@link PolicyBinder} does for TracingPolicy; the policy it returns is only for further
 * checks when the file has an error.
 */
final class AssetPolicyBinder {

    static final List<String> SPEC = List.of("assets", "readers", "egress", "budget", "action");
    static final List<String> ASSET = List.of("path");
    static final List<String> READER = List.of("binary", "cgroup");
    static final List<String> BUDGET = List.of("bytesPerProcess", "bytesPerDestination");

    private final Diagnostics diag;
    private final SourceMap src;
    private final EgressBinder egress;
    private final BudgetBinder budget;

    AssetPolicyBinder(Diagnostics diag, SourceMap src) {
        this.diag = diag;
        this.src = src;
        this.egress = new EgressBinder(diag);
        this.budget = new BudgetBinder(diag);
    }

    /** Whether the document says {@code kind: AssetProtectionPolicy}: then this binder reads it. */
    static boolean claims(Document doc) {
        return doc.root() instanceof Mapping m && m.entry("kind")
                .map(e -> e.value() instanceof Scalar s && s.text().equals(AssetProtectionPolicy.KIND))
                .orElse(false);
    }

    Optional<AssetProtectionPolicy> bind(Document doc) {
        Optional<Fields> top = Fields.of(doc.root(), "policy document", PolicyBinder.TOP, diag);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        Fields f = top.get();
        String apiVersion = f.requiredString("apiVersion");
        if (!apiVersion.isEmpty() && !apiVersion.equals(AssetProtectionPolicy.API_VERSION)) {
            diag.error(f.valuePosition("apiVersion"), "apiVersion '" + apiVersion + "' is not the one of kind "
                    + AssetProtectionPolicy.KIND + " (a Vigil extension): write " + AssetProtectionPolicy.API_VERSION);
        }
        Optional<Fields> meta = f.map("metadata", "metadata", PolicyBinder.METADATA);
        String name = meta.map(m -> m.requiredString("name")).orElse("");
        if (meta.isEmpty() && !f.has("metadata")) {
            f.missing("metadata");
        }
        meta.filter(m -> m.has("namespace")).ifPresent(m -> diag.warn(m.valuePosition("namespace"),
                "metadata.namespace is ignored: an AssetProtectionPolicy applies to the whole host"));

        Optional<Fields> spec = f.map("spec", "spec", SPEC);
        if (spec.isEmpty() && !f.has("spec")) {
            f.missing("spec");
        }
        AssetProtectionPolicy policy = new AssetProtectionPolicy(name,
                new SourceLocation(diag.file(), doc.start().line(), doc.start().column()),
                spec.map(this::assets).orElse(List.of()),
                spec.map(this::readers).orElse(List.of()),
                spec.map(this::egress).orElse(List.of()),
                spec.flatMap(s -> s.map("budget", "budget", BUDGET)).map(budget::bind).orElse(Budget.NONE),
                spec.flatMap(s -> s.enumValue("action", AssetAction.class, "action")).orElse(AssetAction.DENY));
        src.put(policy, f);
        meta.ifPresent(m -> src.field(policy, "metadata.name", m.valuePosition("name")));
        return Optional.of(policy);
    }

    private List<AssetPattern> assets(Fields spec) {
        if (!spec.written("assets")) {
            spec.missing("assets");
            return List.of();
        }
        if (spec.listOrAbsent("assets") && spec.items("assets").isEmpty()) {
            diag.error(spec.valuePosition("assets"), "'assets' in spec must list at least one asset path");
            return List.of();
        }
        List<AssetPattern> out = new ArrayList<>();
        for (Fields a : spec.maps("assets", "asset", ASSET)) {
            String glob = a.requiredString("path");
            if (glob.isEmpty()) {
                continue;
            }
            Position at = a.valuePosition("path");
            try {
                out.add(new AssetPattern(glob, new SourceLocation(diag.file(), at.line(), at.column())));
            } catch (IllegalArgumentException e) {
                diag.error(at, e.getMessage());
            }
        }
        return out;
    }

    private List<Reader> readers(Fields spec) {
        List<Reader> out = new ArrayList<>();
        for (Fields r : spec.maps("readers", "reader", READER)) {
            String binary = r.requiredString("binary");
            absolute(binary, "binary", r);
            Optional<String> cgroup = r.string("cgroup").filter(s -> !s.isEmpty());
            cgroup.ifPresent(c -> absolute(c, "cgroup", r));
            out.add(new Reader(binary, binary.endsWith("/"), cgroup));
        }
        return out;
    }

    private List<EgressRule> egress(Fields spec) {
        List<EgressRule> out = new ArrayList<>();
        for (Fields e : spec.maps("egress", "egress rule", EgressBinder.RULE)) {
            egress.bind(e).ifPresent(out::add);
        }
        return out;
    }

    private void absolute(String path, String key, Fields f) {
        if (!path.isEmpty() && !path.startsWith("/")) {
            diag.error(f.valuePosition(key), "'" + key + "' in " + f.context() + " must be an absolute path"
                    + " (start with '/'), found '" + path + "'");
        }
    }
}

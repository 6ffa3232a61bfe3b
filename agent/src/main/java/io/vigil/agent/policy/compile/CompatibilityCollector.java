package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.Planned;
import io.vigil.agent.policy.plan.PolicyProblem;
import io.vigil.agent.policy.plan.PolicyRejectedException;
import io.vigil.agent.policy.plan.TracefsHostFacts;
import io.vigil.bpf.Backend;
import io.vigil.policy.LoadResult;
import io.vigil.policy.NamespaceType;
import io.vigil.policy.PolicyError;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.TracingPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads, plans and compiles every policy file of a directory (Tetragon's examples) for several
 * backends and says, per file and backend, whether it compiles and why not. What it cannot say:
 * whether a compiled policy behaves as documented; that is the kernel tests' job.
 * {@link #main} writes the report as markdown (the source of tracing-policies/COMPATIBILITY.md).
 */
public final class CompatibilityCollector {
    /** Why a file does or does not compile for a backend. */
    public enum Status {
        /** every policy of the file compiled, and its hooks loaded and attached in this kernel */
        LOADS,
        /** every policy of the file compiled (not tried in a kernel) */
        COMPILES,
        /** it compiled, but the kernel refused to load or attach a hook */
        LOAD_FAILS,
        /** the file does not load (YAML, schema or validation error) */
        DOES_NOT_LOAD,
        /** a hook cannot be placed on this backend (the planner refused it) */
        HOOK_NOT_SERVED,
        /** the hooks can be placed but a feature, type or limit is not supported (the compiler refused it) */
        UNSUPPORTED
    }

    /**
     * One file on one backend.
     *
     * @param hooks   hook images the file compiled to (0 unless COMPILES)
     * @param reasons the errors, compiler-style, when it does not compile; skipped hooks when it does
     */
    public record Outcome(Path file, Backend backend, Status status, int hooks, List<String> reasons) {
        public Outcome {
            reasons = List.copyOf(reasons);
        }
    }

    /** Loads a file's compiled policies into the running kernel and takes them out again. */
    @FunctionalInterface
    public interface KernelLoader {
        /** @return why the kernel refused, or empty when every hook loaded and attached */
        Optional<String> tryLoad(List<CompiledPolicy> compiled);
    }

    private final Map<Backend, HookPlanner> planners;
    private final CompileContext context;
    private final Map<Backend, KernelLoader> loaders;

    /** @param planners the backends to try, in report order, each with its planner */
    public CompatibilityCollector(Map<Backend, HookPlanner> planners, CompileContext context) {
        this(planners, context, Map.of());
    }

    /** @param loaders for the backends this kernel runs: what compiles is also loaded */
    public CompatibilityCollector(Map<Backend, HookPlanner> planners, CompileContext context, Map<Backend, KernelLoader> loaders) {
        this.planners = new LinkedHashMap<>(planners);
        this.context = context;
        this.loaders = Map.copyOf(loaders);
    }

    /** This machine's kernel facts, for the tracepoint and the kprobe backend. */
    public static CompatibilityCollector forHost() {
        TracefsHostFacts host = TracefsHostFacts.forHost();
        Map<Backend, HookPlanner> planners = new LinkedHashMap<>();
        planners.put(Backend.TRACEPOINT, new HookPlanner(Backend.TRACEPOINT, host));
        planners.put(Backend.KPROBE, new HookPlanner(Backend.KPROBE, host));
        return new CompatibilityCollector(planners, new CompileContext(1, 0, HostNamespaces.ofThisProcess(),
                SyscallTable.forArch(System.getProperty("os.arch"))));
    }

    /** Every *.yaml / *.yml under dir, in path order, on every backend. */
    public List<Outcome> collect(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Outcome> out = new ArrayList<>();
        for (Path f : files) {
            LoadResult r = PolicyLoader.load(f);
            for (Backend b : planners.keySet()) {
                out.add(r.ok() ? compile(f, r.policies(), b)
                        : new Outcome(f, b, Status.DOES_NOT_LOAD, 0, r.errors().stream().map(PolicyError::toString).toList()));
            }
        }
        return out;
    }

    private Outcome compile(Path file, List<TracingPolicy> policies, Backend backend) {
        int hooks = 0;
        List<String> skipped = new ArrayList<>();
        List<CompiledPolicy> compiled = new ArrayList<>();
        CompileContext ctx = context;
        for (TracingPolicy p : policies) {
            Planned planned;
            try {
                planned = planners.get(backend).plan(p);
            } catch (PolicyRejectedException e) {
                // the kernel's limits only: anything else is Vigil's gap and counts against it
                boolean kernel = e.problems().stream().allMatch(PolicyProblem::kernelLimit);
                return new Outcome(file, backend, kernel ? Status.HOOK_NOT_SERVED : Status.UNSUPPORTED, 0, strings(e.problems()));
            }
            try {
                CompiledPolicy c = PolicyCompiler.compile(p, planned.hooks(), ctx);
                ctx = ctx.after(c);
                compiled.add(c);
                hooks += c.hooks().size();
                skipped.addAll(strings(planned.skipped()));
            } catch (PolicyRejectedException e) {
                return new Outcome(file, backend, Status.UNSUPPORTED, 0, strings(e.problems()));
            }
        }
        KernelLoader loader = loaders.get(backend);
        if (loader == null) {
            return new Outcome(file, backend, Status.COMPILES, hooks, skipped);
        }
        Optional<String> refused = loader.tryLoad(compiled);
        return refused.isPresent() ? new Outcome(file, backend, Status.LOAD_FAILS, hooks, List.of(refused.get()))
                : new Outcome(file, backend, Status.LOADS, hooks, skipped);
    }

    private static List<String> strings(List<PolicyProblem> problems) {
        return problems.stream().map(PolicyProblem::toString).toList();
    }

    /** The report: a summary per backend, then one row per file. Paths relative to base. */
    public static String markdown(List<Outcome> outcomes, Path base) {
        List<Backend> backends = outcomes.stream().map(Outcome::backend).distinct().toList();
        Map<Path, Map<Backend, Outcome>> byFile = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            byFile.computeIfAbsent(o.file(), f -> new LinkedHashMap<>()).put(o.backend(), o);
        }
        StringBuilder s = new StringBuilder();
        s.append("| backend | files | load in the kernel | compile (not loaded here) | kernel refuses | do not parse | hook not served "
                + "| unsupported feature |\n|---|---|---|---|---|---|---|---|\n");
        for (Backend b : backends) {
            Map<Status, Long> n = outcomes.stream().filter(o -> o.backend() == b)
                    .collect(Collectors.groupingBy(Outcome::status, Collectors.counting()));
            s.append("| ").append(b.displayName()).append(" | ").append(byFile.size());
            for (Status st : Status.values()) {
                s.append(" | ").append(n.getOrDefault(st, 0L));
            }
            s.append(" |\n");
        }
        s.append("\n| file |");
        backends.forEach(b -> s.append(' ').append(b.displayName()).append(" |"));
        s.append(" why not |\n|---|");
        backends.forEach(b -> s.append("---|"));
        s.append("---|\n");
        for (Map.Entry<Path, Map<Backend, Outcome>> e : byFile.entrySet()) {
            s.append("| ").append(base.relativize(e.getKey())).append(" |");
            List<String> why = new ArrayList<>();
            for (Backend b : backends) {
                Outcome o = e.getValue().get(b);
                s.append(' ').append(label(o)).append(" |");
                if (!works(o.status()) && !o.reasons().isEmpty()) {
                    String r = b.displayName() + ": " + brief(shorten(o.reasons().get(0), base))
                            + (o.reasons().size() > 1 ? " (+" + (o.reasons().size() - 1) + " more)" : "");
                    if (why.stream().noneMatch(w -> w.substring(w.indexOf(':') + 1).equals(r.substring(r.indexOf(':') + 1)))) {
                        why.add(r);
                    }
                }
            }
            s.append(' ').append(String.join("<br>", why).replace("|", "\\|")).append(" |\n");
        }
        return s.toString();
    }

    private static boolean works(Status s) {
        return s == Status.LOADS || s == Status.COMPILES;
    }

    private static String label(Outcome o) {
        return switch (o.status()) {
            case LOADS -> "loads (" + o.hooks() + " hooks)";
            case COMPILES -> "compiles (" + o.hooks() + " hooks)";
            case LOAD_FAILS -> "kernel refuses";
            case DOES_NOT_LOAD -> "does not parse";
            case HOOK_NOT_SERVED -> "hook not served";
            case UNSUPPORTED -> "unsupported";
        };
    }

    /** The first sentence of a reason: the alternatives the planner lists are in the agent's error. */
    private static String brief(String reason) {
        int alt = reason.indexOf(" Alternatives: ");
        return alt < 0 ? reason : reason.substring(0, alt);
    }

    private static String shorten(String reason, Path base) {
        String b = base.toString() + "/";
        return reason.startsWith(b) ? reason.substring(b.length()) : reason;
    }

    /**
     * The share of the files this backend can serve (they parse and every hook can be placed) that
     * work (load in the kernel when tried there, else compile): {works, servable}.
     */
    public static int[] servable(List<Outcome> outcomes, Backend backend) {
        int works = 0;
        int servable = 0;
        for (Outcome o : outcomes) {
            if (o.backend() == backend && o.status() != Status.DOES_NOT_LOAD && o.status() != Status.HOOK_NOT_SERVED) {
                servable++;
                works += works(o.status()) ? 1 : 0;
            }
        }
        return new int[] {works, servable};
    }
}

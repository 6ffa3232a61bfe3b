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
        /** every policy of the file compiled */
        COMPILES,
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

    private final Map<Backend, HookPlanner> planners;
    private final CompileContext context;

    /** @param planners the backends to try, in report order, each with its planner */
    public CompatibilityCollector(Map<Backend, HookPlanner> planners, CompileContext context) {
        this.planners = new LinkedHashMap<>(planners);
        this.context = context;
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
        CompileContext ctx = context;
        for (TracingPolicy p : policies) {
            Planned planned;
            try {
                planned = planners.get(backend).plan(p);
            } catch (PolicyRejectedException e) {
                return new Outcome(file, backend, Status.HOOK_NOT_SERVED, 0, strings(e.problems()));
            }
            try {
                CompiledPolicy c = PolicyCompiler.compile(p, planned.hooks(), ctx);
                ctx = ctx.after(c);
                hooks += c.hooks().size();
                skipped.addAll(strings(planned.skipped()));
            } catch (PolicyRejectedException e) {
                return new Outcome(file, backend, Status.UNSUPPORTED, 0, strings(e.problems()));
            }
        }
        return new Outcome(file, backend, Status.COMPILES, hooks, skipped);
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
        s.append("| backend | files | compile | do not load | hook not served | unsupported feature |\n|---|---|---|---|---|---|\n");
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
                s.append(' ').append(o.status() == Status.COMPILES ? "yes (" + o.hooks() + " hooks)" : label(o.status())).append(" |");
                if (o.status() != Status.COMPILES && !o.reasons().isEmpty()) {
                    String r = b.displayName() + ": " + shorten(o.reasons().get(0), base)
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

    private static String label(Status s) {
        return switch (s) {
            case COMPILES -> "yes";
            case DOES_NOT_LOAD -> "does not load";
            case HOOK_NOT_SERVED -> "hook not served";
            case UNSUPPORTED -> "unsupported";
        };
    }

    private static String shorten(String reason, Path base) {
        String b = base.toString() + "/";
        return reason.startsWith(b) ? reason.substring(b.length()) : reason;
    }

    /**
     * {@code CompatibilityCollector [EXAMPLES_DIR [OUT.md]]}: EXAMPLES_DIR defaults to
     * ../shared/tetragon-examples (from the project root); without OUT the report goes to stdout.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/tetragon-examples").toAbsolutePath().normalize();
        List<Outcome> outcomes = forHost().collect(dir);
        String md = markdown(outcomes, dir);
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), md);
        } else {
            System.out.print(md);
        }
    }
}

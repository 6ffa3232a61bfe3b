package io.vigil.agent.policy.plan;

import io.vigil.agent.btf.StructFields;
import io.vigil.bpf.Feature;
import io.vigil.bpf.FeatureProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * This machine's facts: tracefs (/sys/kernel/tracing, else /sys/kernel/debug/tracing) for
 * tracepoints, available_filter_functions (else /proc/kallsyms text symbols) for kprobe targets,
 * os.arch, the feature probe for BPF LSM. Each is read once, on first use.
 */
public final class TracefsHostFacts implements HostFacts {
    private final Path tracing;
    private final Path kallsyms;
    private final String arch;
    private Set<String> functions;
    private Boolean bpfLsm;
    private final StructFields structFields = StructFields.vmlinux();

    public TracefsHostFacts(Path tracing, Path kallsyms, String arch) {
        this.tracing = tracing;
        this.kallsyms = kallsyms;
        this.arch = arch;
    }

    public static TracefsHostFacts forHost() {
        Path t = Files.isDirectory(Path.of("/sys/kernel/tracing/events")) ? Path.of("/sys/kernel/tracing")
                : Path.of("/sys/kernel/debug/tracing");
        return new TracefsHostFacts(t, Path.of("/proc/kallsyms"), System.getProperty("os.arch"));
    }

    @Override
    public String arch() {
        return arch;
    }

    @Override
    public Optional<String> tracepointFormat(String subsystemEvent) {
        try {
            return Optional.of(Files.readString(tracing.resolve("events").resolve(subsystemEvent).resolve("format")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Path> cgroup2Root() {
        return Optional.ofNullable(FeatureProbe.cgroup2Root());
    }

    @Override
    public StructFields structFields() {
        return structFields;
    }

    /** The feature probe's LSM program, run once, when the first policy needs to know. */
    @Override
    public synchronized boolean bpfLsm() {
        if (bpfLsm == null) {
            bpfLsm = FeatureProbe.run(EnumSet.of(Feature.LSM)).supported(Feature.LSM);
        }
        return bpfLsm;
    }

    @Override
    public synchronized boolean functionExists(String name) {
        if (functions == null) {
            functions = readFunctions();
        }
        return functions.contains(name);
    }

    @Override
    public List<String> syscalls() {
        String enter = "sys_enter_";
        try (Stream<Path> events = Files.list(tracing.resolve("events/syscalls"))) {
            return events.map(e -> e.getFileName().toString()).filter(n -> n.startsWith(enter))
                    .map(n -> n.substring(enter.length())).sorted().toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    @Override
    public synchronized List<String> ftraceFunctions() {
        if (functions == null) {
            functions = readFunctions();
        }
        return functions.stream().sorted().toList();
    }

    /** "name [module]" lines of available_filter_functions, or kallsyms' text symbols (t/T). */
    private Set<String> readFunctions() {
        Set<String> out = new HashSet<>();
        Path aff = tracing.resolve("available_filter_functions");
        try (BufferedReader r = Files.newBufferedReader(aff)) {
            for (String line; (line = r.readLine()) != null; ) {
                int sp = line.indexOf(' ');
                out.add(sp < 0 ? line : line.substring(0, sp));
            }
            if (!out.isEmpty()) {
                return out;
            }
        } catch (IOException | RuntimeException e) {
            // not readable: kallsyms below
        }
        try (BufferedReader r = Files.newBufferedReader(kallsyms)) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split("\\s+");
                if (f.length >= 3 && (f[1].equals("t") || f[1].equals("T"))) {
                    out.add(f[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no function is known: every kprobe is refused with that reason
        }
        return out;
    }
}

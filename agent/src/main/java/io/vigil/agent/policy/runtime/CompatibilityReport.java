package io.vigil.agent.policy.runtime;

import io.vigil.agent.policy.compile.CompatibilityCollector;
import io.vigil.agent.policy.compile.CompatibilityCollector.Outcome;
import io.vigil.agent.policy.compile.CompileContext;
import io.vigil.agent.policy.compile.HostNamespaces;
import io.vigil.agent.policy.compile.SyscallTable;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.TracefsHostFacts;
import io.vigil.agent.sensors.BaseSensors;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.agent.sensors.SensorLoader;
import io.vigil.bpf.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code CompatibilityReport BACKEND EXAMPLES_DIR OUT.md}: Tetragon's examples on this kernel: each
 * file is parsed, planned and compiled for BACKEND and, as root, loaded into the kernel next to the
 * base sensors; writes one section of tracing-policies/COMPATIBILITY.md (compatibility.sh runs it
 * on the host and in the VM harness and puts the sections together).
 */
public final class CompatibilityReport {
    private CompatibilityReport() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: CompatibilityReport tracepoint|kprobe|fentry EXAMPLES_DIR OUT.md");
            System.exit(2);
        }
        Backend backend = Backend.valueOf(args[0].toUpperCase(Locale.ROOT));
        Path dir = Path.of(args[1]).toAbsolutePath().normalize();
        Map<Backend, HookPlanner> planners = new LinkedHashMap<>();
        planners.put(backend, new HookPlanner(backend, TracefsHostFacts.forHost()));
        CompileContext ctx = new CompileContext(1, 0, HostNamespaces.ofThisProcess(), SyscallTable.forArch(System.getProperty("os.arch")));
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        try (LoadedSensors sensors = new SensorLoader(BaseSensors.SHARED_MAPS).load(BaseSensors.ALL, backend)) {
            List<Outcome> out = new CompatibilityCollector(planners, ctx, Map.of(backend, new KernelLoadCheck(sensors))).collect(dir);
            int[] n = CompatibilityCollector.servable(out, backend);
            String md = "## Linux " + kernel + ", " + backend.displayName() + " backend\n\n"
                    + String.format("**%d of the %d examples whose hooks this kernel serves load in it (%d%%)**; %d files in all.%n%n",
                            n[0], n[1], n[1] == 0 ? 0 : Math.round(100.0 * n[0] / n[1]), out.size())
                    + CompatibilityCollector.markdown(out, dir);
            Files.writeString(Path.of(args[2]), md);
            System.out.printf("%s on %s: %d/%d servable examples load%n", backend.displayName(), kernel, n[0], n[1]);
        }
    }
}

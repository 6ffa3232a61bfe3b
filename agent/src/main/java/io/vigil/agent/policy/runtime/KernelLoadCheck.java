package io.vigil.agent.policy.runtime;

import io.vigil.agent.policy.compile.CompatibilityCollector;
import io.vigil.agent.policy.compile.CompiledHook;
import io.vigil.agent.policy.compile.CompiledPolicy;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.generic.GenericHookLoader;
import io.vigil.bpf.generic.LoadedHook;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * For the compatibility report: loads and attaches every hook of a file's compiled policies next
 * to the base sensors, then detaches them. The verifier's verdict, not the compiler's.
 */
final class KernelLoadCheck implements CompatibilityCollector.KernelLoader {
    private final GenericHookLoader loader;

    KernelLoadCheck(LoadedSensors sensors) {
        this.loader = new GenericHookLoader(sensors.sharedMaps());
    }

    @Override
    public Optional<String> tryLoad(List<CompiledPolicy> compiled) {
        List<LoadedHook> loaded = new ArrayList<>();
        try {
            for (CompiledPolicy p : compiled) {
                for (CompiledHook h : p.hooks()) {
                    if (h.image().object().equals(HookPlanner.FANOTIFY_OBJECT)) {
                        continue;   // fanotify marks, no BPF program: nothing for the verifier
                    }
                    loaded.add(loader.load(h.image()));
                }
            }
            return Optional.empty();
        } catch (BpfException | RuntimeException e) {
            return Optional.of("the kernel refused hook " + (loaded.size() + 1) + ": " + firstLine(e.getMessage()));
        } finally {
            loaded.forEach(LoadedHook::close);
        }
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl) + " (verifier log in the agent's debug output)";
    }
}

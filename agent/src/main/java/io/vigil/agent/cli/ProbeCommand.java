package io.vigil.agent.cli;

import io.vigil.bpf.FeatureProbe;
import io.vigil.bpf.ProbeReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Load and attach one tiny program of each kind and print what this kernel accepts, "
                + "and the attach backend the agent would choose.")
public final class ProbeCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        ProbeReport report = FeatureProbe.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.print(report.toTable());
        System.out.printf("backend: %s (probed in %d ms)%n", report.choose().displayName(), ms);
        return 0;
    }
}

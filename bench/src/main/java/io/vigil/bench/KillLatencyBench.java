package io.vigil.bench;

import static io.vigil.bench.BenchSupport.fmt;

import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.policy.runtime.KernelPolicyInstaller;
import io.vigil.agent.policy.runtime.PolicyManager;
import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.KprobeAction;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessExit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Time from a violation to the offender's death (issue 4): a Sigkill policy on writes under a
 * directory, and a C offender ({@code victim}) that writes there once and would then print
 * "alive". For each offender: the kill event's kernel timestamp and the exit event's, both from the
 * same boot clock, so their difference is the kernel's own time from the hook to the exit; the
 * offender's exit status (137) and output (never "alive"). Prints min, median, p90, p99 and max;
 * timing is never asserted. The exit status is non-zero when an offender survived, printed "alive",
 * or an event is missing.
 */
public final class KillLatencyBench {
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);

    private KillLatencyBench() {}

    public static void main(String[] args) throws Exception {
        int offenders = 500;
        int warmup = 50;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--offenders" -> offenders = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!BenchSupport.isRoot()) {
            System.err.println("KillLatencyBench: needs root (it loads BPF programs)");
            System.exit(2);
        }
        BenchSupport.quietLogs();
        Path victim = BenchSupport.workloads().resolve("victim");
        Path dir = Files.createTempDirectory("vigil-kill-").toRealPath();
        Path guarded = Files.createDirectories(dir.resolve("guarded"));
        Deaths deaths = new Deaths();
        int failures = 0;
        List<Long> nanos = new ArrayList<>();
        try (Agent agent = Agent.start(AgentConfig.defaults(), List.of(deaths), KernelPolicyInstaller.FACTORY)) {
            PolicyManager pm = agent.policies().orElseThrow();
            Path policy = Files.writeString(dir.resolve("kill-writes.yaml"), policy(guarded));
            List<String> errors = pm.applyFile(policy, PolicyManager.Origin.DIRECTORY);
            if (!errors.isEmpty()) {
                throw new IllegalStateException("the policy did not load: " + errors);
            }
            System.out.println(fmt("KillLatencyBench: %s backend, %d offenders (+%d warm-up), each writes to %s once",
                    agent.backend().displayName(), offenders, warmup, guarded));
            for (int i = 0; i < warmup + offenders; i++) {
                Process p = new ProcessBuilder(victim.toString(), guarded.resolve("f" + (i % 16)).toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int rc = p.waitFor();
                if (rc != 128 + 9 || out.contains("alive")) {
                    failures++;
                    System.out.println(fmt("offender %d (pid %d) was not killed: exit %d, output %s", i, p.pid(), rc, out.strip()));
                    continue;
                }
                Long d = deaths.await(p.pid());
                if (d == null) {
                    failures++;
                    System.out.println(fmt("offender %d (pid %d): kill or exit event missing after %s", i, p.pid(), EVENT_WAIT));
                } else if (i >= warmup) {
                    nanos.add(d);
                }
            }
        }
        long[] v = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        if (v.length > 0) {
            System.out.println(fmt("kill event -> exit event (kernel timestamps), %d offenders:", v.length));
            System.out.println(fmt("  min %s  median %s  p90 %s  p99 %s  max %s", us(v[0]), us(BenchSupport.median(v)),
                    us(pct(v, 0.90)), us(pct(v, 0.99)), us(v[v.length - 1])));
        }
        System.out.println(fmt("offenders not killed, printing \"alive\", or without both events: %d (must be 0)", failures));
        System.exit(failures == 0 ? 0 : 1);
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String us(double ns) {
        return fmt("%.1f us", ns / 1e3);
    }

    private static String policy(Path guarded) {
        return """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "bench-kill-writes"
                spec:
                  kprobes:
                  - call: "sys_write"
                    syscall: true
                    args:
                    - index: 0
                      type: "fd"
                    selectors:
                    - matchArgs:
                      - index: 0
                        operator: "Prefix"
                        values: ["%s/"]
                      matchActions:
                      - action: Sigkill
                """.formatted(guarded);
    }

    /** The kill and exit event times by pid, from the pipeline's sink thread. */
    private static final class Deaths implements EventSink {
        private final Map<Long, Instant> kills = new ConcurrentHashMap<>();
        private final Map<Long, Instant> exits = new ConcurrentHashMap<>();

        @Override
        public void accept(Event e) {
            if (e.body() instanceof PolicyEvent p && p.action() == KprobeAction.SIGKILL) {
                kills.put(p.process().pid(), e.time());
            } else if (e.body() instanceof ProcessExit x && "SIGKILL".equals(x.signal())) {
                exits.put(x.process().pid(), e.time());
            }
        }

        /** ns from the kill to the exit of pid, or null when an event did not come. */
        Long await(long pid) throws InterruptedException {
            long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                Instant k = kills.remove(pid);
                if (k != null) {
                    Instant x;
                    while ((x = exits.remove(pid)) == null && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    return x == null ? null : Duration.between(k, x).toNanos();
                }
                Thread.sleep(1);
            }
            return null;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

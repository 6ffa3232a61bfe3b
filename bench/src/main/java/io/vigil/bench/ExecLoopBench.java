package io.vigil.bench;

import static io.vigil.bench.BenchSupport.fmt;
import static io.vigil.bench.BenchSupport.median;
import static io.vigil.bench.BenchSupport.ms;

import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.pipeline.PipelineStats;
import io.vigil.agent.policy.runtime.KernelPolicyInstaller;
import io.vigil.agent.policy.runtime.PolicyManager;
import io.vigil.agent.sensors.BaseSensors;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.agent.sensors.SensorLoader;
import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.bpf.Backend;
import io.vigil.bpf.FeatureProbe;
import io.vigil.bpf.RingBuffer;
import io.vigil.bpf.wire.StatIndex;
import io.vigil.exporters.file.JsonFileExporter;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent costs a process-spawning workload: bench/src/main/c/execloop.c (N fork+exec of
 * /bin/true per round) timed with nothing attached, with the sensors alone in the kernel (nobody
 * reading: the in-kernel part of the cost), with the whole in-process agent, with nothing again
 * (drift), and with an auditd execve rule when auditctl is installed. Every phase runs in this one
 * invocation; medians of the rounds are compared. The optional phase sensors-nodrain leaves the
 * ring buffer unread, to show what the sensors cost once the backlog passes their wake-up
 * threshold. Timing is reported, never asserted; the exit status is non-zero only when the agent
 * lost exec or exit events of the workload.
 *
 * <pre>
 * ExecLoopBench [--execs 2000] [--rounds 5] [--phases off,sensors,agent,off,auditd] [--json FILE]
 *               [--agent-warmup 2000] [--pin]
 * </pre>
 * --json also writes the agent's events to FILE (as `vigil run` does), beside the counting sink.
 * The phase "interleaved" alternates single off and agent rounds and compares each agent round
 * with its neighbours (for shared, noisy machines); "interleaved-sensors" does the same with the
 * sensors alone (drained, no Java pipeline).
 * --agent-warmup N (default 2000) runs N children with the agent on before its measured rounds, so
 * that the figures are the agent's steady state rather than its JIT warm-up (0: none).
 * --pin (diagnostic) runs execloop on CPU 0 and this JVM on the last CPU in every phase, to tell
 * CPU sharing from the cost that stays on the workload's CPU.
 */
public final class ExecLoopBench {
    private static final String TRUE = "/usr/bin/true";

    private int execs = 2000;
    private int rounds = 5;
    private List<String> phases = List.of("off", "sensors", "agent", "off", "auditd");
    private Path json;
    private boolean pin;
    private int agentWarmup = 2000;
    private Path workloads;
    private Backend backend;
    private boolean lost;

    /** One phase's result. */
    private record Phase(String name, long[] roundNs, long[] cpuNs, String note) {
        double median() {
            return BenchSupport.median(roundNs);
        }

        double cpuMedian() {
            return BenchSupport.median(cpuNs);
        }
    }

    /** CPU time (user + system of execloop and its children) of each round of the last execloop run. */
    private long[] lastCpu;

    public static void main(String[] args) throws Exception {
        BenchSupport.quietLogs();
        ExecLoopBench b = new ExecLoopBench();
        b.parse(args);
        System.exit(b.runAll());
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--execs": execs = Integer.parseInt(args[++i]); break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--phases": phases = List.of(args[++i].split(",")); break;
                case "--json": json = Path.of(args[++i]); break;
                case "--pin": pin = true; break;
                case "--agent-warmup": agentWarmup = Integer.parseInt(args[++i]); break;
                default:
                    System.err.println("usage: ExecLoopBench [--execs N] [--rounds R] "
                            + "[--phases off,sensors,agent,off,auditd] [--json FILE] [--pin] [--agent-warmup 2000]\n"
                            + "phases: off | sensors | sensors-nodrain | agent | agent-execfs | auditd | interleaved | interleaved-sensors, "
                            + "in any order and number");
                    System.exit(2);
            }
        }
    }

    private int runAll() throws Exception {
        if (!BenchSupport.isRoot()) {
            System.err.println("ExecLoopBench loads BPF programs: run it as root");
            return 2;
        }
        workloads = BenchSupport.workloads();
        int cpus = Runtime.getRuntime().availableProcessors();
        if (pin) {
            if (cpus < 2) {
                System.err.println("--pin needs 2 CPUs");
                return 2;
            }
            // every thread of this JVM (the agent's included; new threads inherit) on the last CPU
            BenchSupport.run(List.of("taskset", "-a", "-p", "-c", Integer.toString(cpus - 1),
                    Long.toString(ProcessHandle.current().pid())));
        }
        backend = FeatureProbe.run().choose();
        System.out.println(fmt("ExecLoopBench: %d fork+exec of /bin/true x %d rounds per phase; %d CPUs; kernel %s; "
                        + "backend %s", execs, rounds, cpus,
                System.getProperty("os.version"), backend.displayName()));
        System.out.println("phases: " + String.join(", ", phases) + (pin
                ? "; --pin: execloop (and its children) on CPU 0, this JVM (agent threads, JIT, GC) on CPU "
                        + (cpus - 1) : ""));
        System.out.println();

        List<Phase> done = new ArrayList<>();
        for (String p : phases) {
            Phase r;
            switch (p) {
                case "off": r = off(); break;
                case "sensors": r = sensorsOnly(true); break;
                case "sensors-nodrain": r = sensorsOnly(false); break;
                case "agent": r = agent(false); break;
                case "agent-execfs": r = agent(true); break;
                case "auditd": r = auditd(); break;
                case "interleaved": r = interleaved(true); break;
                case "interleaved-sensors": r = interleaved(false); break;
                default: throw new IllegalArgumentException("unknown phase " + p);
            }
            if (r != null) {
                done.add(r);
            }
            System.out.println();
        }
        summary(done);
        return lost ? 1 : 0;
    }

    // ---- the workload

    /** Runs execloop; returns the rounds' ns, and its pid through pidOut[0]. */
    private long[] execloop(long[] pidOut) throws IOException, InterruptedException {
        return execloop(pidOut, execs, rounds);
    }

    private long[] execloop(long[] pidOut, int execs, int rounds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (pin) {
            cmd.addAll(List.of("taskset", "-c", "0"));
        }
        cmd.addAll(List.of(workloads.resolve("execloop").toString(), Integer.toString(execs), Integer.toString(rounds)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (pidOut != null) {
            pidOut[0] = p.pid();
        }
        List<Long> ns = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                String[] f = l.trim().split("\\s+"); // wall ns, CPU ns
                ns.add(Long.parseLong(f[0]));
                cpu.add(f.length > 1 ? Long.parseLong(f[1]) : -1L);
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || ns.size() != rounds) {
            throw new IOException("execloop exited with " + rc + " after " + ns.size() + " rounds");
        }
        lastCpu = cpu.stream().mapToLong(Long::longValue).toArray();
        return ns.stream().mapToLong(Long::longValue).toArray();
    }

    private void printRounds(String name, long[] ns) {
        StringBuilder sb = new StringBuilder();
        for (long n : ns) {
            sb.append(sb.length() == 0 ? "" : ", ").append(fmt("%.0f", n / 1e6));
        }
        System.out.println(fmt("  rounds (ms): %s; median %s = %.1f us per fork+exec+exit; workload CPU median %.1f us "
                + "per fork+exec+exit (%.0f%% of wall)", sb, ms(median(ns)), median(ns) / execs / 1e3,
                median(lastCpu) / execs / 1e3, 100.0 * median(lastCpu) / median(ns)));
    }

    // ---- phases

    private Phase off() throws Exception {
        System.out.println("[off] nothing attached");
        long[] ns = execloop(null);
        printRounds("off", ns);
        return new Phase("off", ns, lastCpu, "");
    }

    /**
     * The three sensors in the kernel and no Java pipeline: the in-kernel share of the cost.
     * kernel.bpf_stats_enabled is on during this phase to time the programs themselves. With drain,
     * a thread empties the ring buffer as the agent's reader does (poll 10 ms, consume, records
     * dropped unread), so that the sensors see the same small backlog as under the agent; without
     * it the backlog grows without bound and the sensors force a wake-up each time it crosses
     * another 256 KiB (nobody is listening).
     */
    private Phase sensorsOnly(boolean drain) throws Exception {
        String name = drain ? "sensors" : "sensors-nodrain";
        System.out.println("[" + name + "] exec/fork/exit programs attached, "
                + (drain ? "ring buffer drained by a no-op consumer (poll 10 ms + consume)" : "ring buffer NOT read")
                + ", bpf_stats on");
        String oldStats = BpfProgStats.enable();
        long[] ns;
        Map<Integer, BpfProgStats.Prog> before;
        Map<Integer, BpfProgStats.Prog> after;
        long sent;
        long full;
        long[] drained = new long[1];
        long[] cpuOfRun;
        try (LoadedSensors s = new SensorLoader(BaseSensors.SHARED_MAPS).load(BaseSensors.ALL, backend);
             Drainer drainer = drain ? new Drainer(s.map("events")) : null) {
            long sent0 = s.map("vigil_stats").sumPerCpu(StatIndex.EVENTS_SENT.index());
            long full0 = s.map("vigil_stats").sumPerCpu(StatIndex.RINGBUF_FULL.index());
            before = BpfProgStats.snapshot();
            ns = execloop(null);
            cpuOfRun = lastCpu;
            after = BpfProgStats.snapshot();
            sent = s.map("vigil_stats").sumPerCpu(StatIndex.EVENTS_SENT.index()) - sent0;
            full = s.map("vigil_stats").sumPerCpu(StatIndex.RINGBUF_FULL.index()) - full0;
            if (drainer != null) {
                Thread.sleep(50); // the last poll interval
                drained[0] = drainer.drained();
            }
        } finally {
            BpfProgStats.restore(oldStats);
        }
        lastCpu = cpuOfRun;
        printRounds(name, ns);
        long children = (long) execs * rounds;
        long totalRun = 0;
        for (BpfProgStats.Prog a : after.values()) {
            BpfProgStats.Prog d = a.minus(before.get(a.id()));
            if (d.runCount() == 0) {
                continue;
            }
            totalRun += d.runTimeNs();
            System.out.println(fmt("  bpf %-18s %8d runs, %6.0f ns/run, %7.0f ns per child", d.name(), d.runCount(),
                    (double) d.runTimeNs() / d.runCount(), (double) d.runTimeNs() / children));
        }
        System.out.println(fmt("  bpf programs total: %.1f us per child (%s over the phase)", totalRun / 1e3 / children,
                ms(totalRun)));
        System.out.println(fmt("  kernel: %d records sent, %d ring-buffer-full%s", sent, full,
                drain ? fmt("; %d drained", drained[0]) : ""));
        return new Phase(name, ns, cpuOfRun, fmt("bpf %.1f us/child", totalRun / 1e3 / children));
    }

    /**
     * The policy of phase agent-execfs: Tetragon's lsm_bprm_check.yaml shape, whose selectors name no
     * file, so (without BPF LSM) every exec of the host waits for the agent on filesystem-wide
     * FAN_OPEN_EXEC_PERM marks. execloop's children do not match (binary not bash): each is evaluated
     * and allowed, the common case such a policy costs.
     */
    private static final String EXECFS_POLICY = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: "bench-execfs"
            spec:
              lsmhooks:
              - hook: "bprm_check_security"
                args:
                - index: 0
                  type: "linux_binprm"
                selectors:
                - matchBinaries:
                  - operator: "In"
                    values: ["/usr/bin/bash"]
                  matchArgs:
                  - index: 0
                    operator: "Postfix"
                    values: ["contrib/tester-progs/nop"]
                  matchActions:
                  - action: Override
                    argError: -1
            """;

    private Phase agent(boolean execfs) throws Exception {
        String name = execfs ? "agent-execfs" : "agent";
        System.out.println("[" + name + "] in-process Agent, counting sink" + (json != null ? " + JSON file " + json : "")
                + (execfs ? " + an exec Override on every filesystem (EXECFS_POLICY)" : ""));
        CountingSink counter = new CountingSink();
        List<EventSink> sinks = new ArrayList<>();
        sinks.add(counter);
        if (json != null) {
            sinks.add(JsonFileExporter.open(json));
        }
        AgentConfig cfg = AgentConfig.defaults().withNodeName("bench").withBackend(Optional.of(backend));
        long[] pid = new long[1];
        long[] ns;
        long[] cpuOfRun;
        long cpu;
        long[] gc;
        Map<String, TaskStats.Usage> t0;
        Map<String, TaskStats.Usage> t1;
        long sent;
        long full;
        PipelineStats st;
        Agent agent = execfs ? Agent.start(cfg, sinks, KernelPolicyInstaller.FACTORY) : Agent.start(cfg, sinks);
        try {
            if (execfs) {
                Path dir = Files.createTempDirectory("vigil-bench-execfs");
                List<String> errors = agent.policies().orElseThrow().applyFile(
                        Files.writeString(dir.resolve("execfs.yaml"), EXECFS_POLICY), PolicyManager.Origin.CONTROL);
                if (!errors.isEmpty()) {
                    throw new IllegalStateException("the agent-execfs policy did not load: " + errors);
                }
                System.out.println("  placement: " + agent.policies().orElseThrow().list().get(0).attachments());
            }
            Thread.sleep(1000); // start-up events out of the way
            if (agentWarmup > 0) {
                // an agent runs for days: let the JIT compile its hot paths before measuring
                long w0 = System.nanoTime();
                execloop(null, agentWarmup, 1);
                Thread.sleep(500);
                System.out.println(fmt("  warm-up: %d fork+exec with the agent on, not measured (%.1f s)", agentWarmup,
                        (System.nanoTime() - w0) / 1e9));
            }
            long sent0 = agent.kernelCounter(StatIndex.EVENTS_SENT);
            long full0 = agent.kernelCounter(StatIndex.RINGBUF_FULL);
            t0 = TaskStats.snapshot();
            long cpu0 = BenchSupport.processCpuNanos();
            long[] gc0 = BenchSupport.gc();
            ns = execloop(pid);
            cpuOfRun = lastCpu;
            cpu = BenchSupport.processCpuNanos() - cpu0;
            long[] gc1 = BenchSupport.gc();
            gc = new long[] {gc1[0] - gc0[0], gc1[1] - gc0[1]};
            t1 = TaskStats.snapshot();
            sent = agent.kernelCounter(StatIndex.EVENTS_SENT) - sent0;
            full = agent.kernelCounter(StatIndex.RINGBUF_FULL) - full0;
        } finally {
            agent.close(); // drains what was read through the sinks
        }
        st = agent.pipelineStats();
        lastCpu = cpuOfRun;
        printRounds(name, ns);

        long expected = (long) execs * rounds;
        long ex = counter.execs(pid[0]);
        long xt = counter.exits(pid[0]);
        boolean ok = ex == expected && xt == expected;
        System.out.println(fmt("  events of execloop's children (%s, parent pid %d): exec %d/%d, exit %d/%d -> %s",
                TRUE, pid[0], ex, expected, xt, expected, ok ? "all delivered" : "MISMATCH"));
        if (!ok) {
            lost = true;
            System.out.println("  other events with that parent: " + counter.others(pid[0])
                    + "; exec/exit of " + TRUE + " without a parent: " + counter.orphans());
        }
        System.out.println(fmt("  kernel during the run: %d records sent, %d ring-buffer-full", sent, full));
        System.out.println(fmt("  pipeline (whole agent life): received %d, decoded %d, emitted %d, raw-queue drops %d, "
                        + "malformed %d, sink-queue drops %d", st.received.get(), st.decoded.get(), st.emitted.get(),
                st.rawQueueDrops.get(), st.malformed.get(), st.sinkQueueDrops.get()));
        System.out.println(fmt("  agent JVM CPU during the run: %s (%.1f us per child, %.1f us per record; %.1f%% of one CPU)",
                ms(cpu), cpu / 1e3 / expected, sent == 0 ? 0.0 : cpu / 1e3 / sent, 100.0 * cpu / sumOf(ns)));
        System.out.println(fmt("  GC during the run: %d collections, %d ms", gc[0], gc[1]));
        System.out.println("  by JVM thread (CPU from /proc at 10 ms resolution; context switches voluntary/involuntary):");
        for (Map.Entry<String, TaskStats.Usage> e : TaskStats.delta(t0, t1).entrySet()) {
            TaskStats.Usage u = e.getValue();
            if (u.cpuNs() == 0 && u.voluntary() + u.involuntary() < 50) {
                continue;
            }
            System.out.println(fmt("    %-18s %8s  %7d / %-6d switches (%.2f per record)", e.getKey(), ms(u.cpuNs()),
                    u.voluntary(), u.involuntary(), sent == 0 ? 0.0 : (double) (u.voluntary() + u.involuntary()) / sent));
        }
        if (full > 0 || st.lost() > 0) {
            lost = true;
        }
        return new Phase(name, ns, cpuOfRun, fmt("JVM %.1f us/child", cpu / 1e3 / expected));
    }

    /**
     * Off and agent rounds alternating (off, agent, off, ..., off), the agent started for each of
     * its rounds and stopped after it: on a shared or noisy machine, each agent round is compared
     * with the off rounds just before and after it, so slow periods cancel out.
     */
    private Phase interleaved(boolean withAgent) throws Exception {
        String what = withAgent ? "agent" : "sensors";
        System.out.println(fmt("[interleaved%s] %d cycles: off round, %s round (%s, %d fork+exec, stopped), "
                        + "then a last off round; ratio_i = %s_i / mean(off_i, off_i+1)", withAgent ? "" : "-sensors", rounds,
                what, withAgent ? "agent started" : "sensors attached and drained, no Java pipeline", execs, what));
        AgentConfig cfg = AgentConfig.defaults().withNodeName("bench").withBackend(Optional.of(backend));
        if (withAgent && agentWarmup > 0) {
            try (Agent a = Agent.start(cfg, List.of(new CountingSink()))) {
                execloop(null, agentWarmup, 1);
            }
        }
        long[] off = new long[rounds + 1];
        long[] on = new long[rounds];
        long[] offCpu = new long[rounds + 1];
        long[] onCpu = new long[rounds];
        for (int i = 0; i <= rounds; i++) {
            off[i] = execloop(null, execs, 1)[0];
            offCpu[i] = lastCpu[0];
            if (i == rounds) {
                break;
            }
            if (!withAgent) {
                try (LoadedSensors ls = new SensorLoader(BaseSensors.SHARED_MAPS).load(BaseSensors.ALL, backend);
                     Drainer d = new Drainer(ls.map("events"))) {
                    Thread.sleep(500);
                    on[i] = execloop(null, execs, 1)[0];
                    onCpu[i] = lastCpu[0];
                }
                continue;
            }
            CountingSink counter = new CountingSink();
            long[] pid = new long[1];
            Agent a = Agent.start(cfg, List.of(counter));
            try {
                Thread.sleep(500);
                on[i] = execloop(pid, execs, 1)[0];
                onCpu[i] = lastCpu[0];
            } finally {
                a.close();
            }
            long ex = counter.execs(pid[0]);
            long xt = counter.exits(pid[0]);
            if (ex != execs || xt != execs || a.pipelineStats().lost() > 0) {
                lost = true;
                System.out.println(fmt("  cycle %d: events exec %d/%d, exit %d/%d, pipeline lost %d -> MISMATCH", i + 1, ex,
                        execs, xt, execs, a.pipelineStats().lost()));
            }
        }
        double[] ratio = new double[rounds];
        double[] cpuRatio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratio[i] = on[i] / ((off[i] + off[i + 1]) / 2.0);
            cpuRatio[i] = onCpu[i] / ((offCpu[i] + offCpu[i + 1]) / 2.0);
            System.out.println(fmt("  cycle %d: off %s, %s %s, off %s -> ratio %.3f (workload CPU ratio %.3f)", i + 1,
                    ms(off[i]), what, ms(on[i]), ms(off[i + 1]), ratio[i], cpuRatio[i]));
        }
        double[] cs = cpuRatio.clone();
        java.util.Arrays.sort(cs);
        double cpuMed = cs.length % 2 == 1 ? cs[cs.length / 2] : (cs[cs.length / 2 - 1] + cs[cs.length / 2]) / 2;
        double[] sorted = ratio.clone();
        java.util.Arrays.sort(sorted);
        double med = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        System.out.println(fmt("  medians: off %s, %s %s; median of the paired ratios %.3f (min %.3f, max %.3f%s)%s",
                ms(median(off)), what, ms(median(on)), med, sorted[0], sorted[sorted.length - 1],
                withAgent ? "; target <= 1.05: " + (med <= 1.05 ? "met" : "NOT met") : "",
                withAgent ? "; events of every agent round " + (lost ? "NOT all delivered" : "all delivered") : ""));
        System.out.println(fmt("  workload CPU: median of the paired ratios %.3f (min %.3f, max %.3f)", cpuMed, cs[0],
                cs[cs.length - 1]));
        return null;
    }

    private static long sumOf(long[] v) {
        long s = 0;
        for (long x : v) {
            s += x;
        }
        return s;
    }

    /** An auditd execve rule, if auditctl is installed; the rule is removed afterwards. */
    private Phase auditd() throws Exception {
        Optional<Path> auditctl = which("auditctl");
        if (auditctl.isEmpty()) {
            System.out.println("[auditd] auditctl not found: auditd (apt package auditd) is not installed; "
                    + "the auditd comparison is skipped (this benchmark does not install it)");
            return null;
        }
        String ctl = auditctl.get().toString();
        String status = String.join("\n", BenchSupport.run(List.of(ctl, "-s")));
        Map<String, String> st = auditStatus(status);
        boolean daemon = !"0".equals(st.getOrDefault("pid", "0"));
        boolean wasEnabled = !"0".equals(st.getOrDefault("enabled", "0"));
        System.out.println("[auditd] rule: auditctl -a always,exit -F arch=b64 -S execve ("
                + (daemon ? "auditd running, pid " + st.get("pid")
                          : "NO auditd daemon: the kernel sends the records to its log (printk, rate-limited)")
                + (wasEnabled ? "" : "; auditing was disabled, enabled for this phase") + ")");
        long lost0 = Long.parseLong(st.getOrDefault("lost", "0"));
        if (!wasEnabled) {
            BenchSupport.run(List.of(ctl, "-e", "1"));
        }
        List<String> rule = List.of("always,exit", "-F", "arch=b64", "-S", "execve");
        long[] ns;
        try {
            List<String> add = new ArrayList<>(List.of(ctl, "-a"));
            add.addAll(rule);
            BenchSupport.run(add);
            try {
                ns = execloop(null);
            } finally {
                List<String> del = new ArrayList<>(List.of(ctl, "-d"));
                del.addAll(rule);
                BenchSupport.run(del);
            }
        } finally {
            if (!wasEnabled) {
                BenchSupport.run(List.of(ctl, "-e", "0"));
            }
        }
        long lost1 = Long.parseLong(auditStatus(String.join("\n", BenchSupport.run(List.of(ctl, "-s"))))
                .getOrDefault("lost", "0"));
        printRounds("auditd", ns);
        System.out.println("  rule removed; audit records lost during the phase (auditctl -s lost): " + (lost1 - lost0));
        return new Phase(daemon ? "auditd" : "audit(no daemon)", ns, lastCpu, daemon ? "" : "no auditd daemon");
    }

    private static Map<String, String> auditStatus(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : text.split("\n")) {
            String[] kv = l.trim().split("\\s+", 2);
            if (kv.length == 2) {
                m.put(kv[0], kv[1]);
            }
        }
        return m;
    }

    private static Optional<Path> which(String cmd) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) {
                return Optional.of(Path.of(d, cmd));
            }
        }
        return Optional.empty();
    }

    // ---- summary

    private void summary(List<Phase> done) {
        if (done.isEmpty()) {
            return;
        }
        List<Long> offRounds = new ArrayList<>();
        List<Phase> offs = new ArrayList<>();
        for (Phase p : done) {
            if (p.name().equals("off")) {
                offs.add(p);
                for (long n : p.roundNs()) {
                    offRounds.add(n);
                }
            }
        }
        System.out.println(fmt("summary (median round of %d fork+exec+exit; ratio = median / median of every off round; "
                + "min round ratio = fastest round / fastest off round; workload CPU = user+sys of execloop and its "
                + "children, insensitive to other processes waiting for the CPU)", execs));
        if (offs.isEmpty()) {
            for (Phase p : done) {
                System.out.println(fmt("  %-16s %10s", p.name(), ms(p.median())));
            }
            return;
        }
        double off = median(offRounds.stream().mapToLong(Long::longValue).toArray());
        List<Long> offCpuRounds = new ArrayList<>();
        for (Phase p : offs) {
            for (long n : p.cpuNs()) {
                offCpuRounds.add(n);
            }
        }
        double offCpu = median(offCpuRounds.stream().mapToLong(Long::longValue).toArray());
        long offMin = offRounds.stream().mapToLong(Long::longValue).min().orElse(1);
        for (Phase p : done) {
            long min = java.util.Arrays.stream(p.roundNs()).min().orElse(0);
            System.out.println(fmt("  %-16s %10s %7.1f us/exec  ratio %.3f | min round ratio %.3f | workload CPU %7.1f "
                            + "us/exec, ratio %.3f  %s", p.name(), ms(p.median()), p.median() / execs / 1e3,
                    p.median() / off, (double) min / offMin, p.cpuMedian() / execs / 1e3, p.cpuMedian() / offCpu, p.note()));
        }
        if (offs.size() >= 2) {
            double first = offs.get(0).median();
            double last = offs.get(offs.size() - 1).median();
            System.out.println(fmt("  drift: last off / first off = %.3f", last / first));
        }
        for (Phase p : done) {
            if (p.name().startsWith("agent")) {
                double r = p.median() / off;
                System.out.println(fmt("%s on/off ratio: %.3f (target <= 1.05: %s); workload CPU on/off %.3f%s", p.name(), r,
                        r <= 1.05 ? "met" : "NOT met", p.cpuMedian() / offCpu,
                        offs.size() >= 2 ? fmt("; vs the off phase before %.3f, after %.3f",
                                p.median() / offs.get(0).median(), p.median() / offs.get(offs.size() - 1).median()) : ""));
            }
        }
        if (done.stream().anyMatch(p -> p.name().startsWith("agent"))) {
            System.out.println(lost ? "EVENTS LOST: the agent did not deliver every exec and exit (exit status 1)"
                    : "events: every exec and exit of the workload was delivered");
        }
    }

    /** Empties a ring buffer as the agent's reader does (poll 10 ms, consume), dropping the records. */
    static final class Drainer implements AutoCloseable {
        private final AtomicBoolean run = new AtomicBoolean(true);
        private final Thread thread;
        private volatile long drained;

        Drainer(io.vigil.bpf.BpfMap events) {
            RingBuffer rb = RingBuffer.open(events, (data, size) -> drained = drained + 1);
            thread = new Thread(() -> {
                try {
                    while (run.get()) {
                        rb.poll(10);
                        rb.consume();
                    }
                } finally {
                    rb.close();
                }
            }, "bench-drain");
            thread.setDaemon(true);
            thread.start();
        }

        long drained() {
            return drained;
        }

        @Override
        public void close() {
            run.set(false);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counts exec/exit events of /usr/bin/true by their parent's pid. Runs on the agent's sink thread. */
    static final class CountingSink implements EventSink {
        private final Map<Long, LongAdder> execs = new ConcurrentHashMap<>();
        private final Map<Long, LongAdder> exits = new ConcurrentHashMap<>();
        private final Map<Long, LongAdder> others = new ConcurrentHashMap<>();
        private final LongAdder orphans = new LongAdder();

        @Override
        public void accept(Event event) {
            ProcessInfo proc = event.body().process();
            ProcessInfo parent;
            Map<Long, LongAdder> into;
            if (event.body() instanceof ProcessExec) {
                parent = ((ProcessExec) event.body()).parent();
                into = execs;
            } else if (event.body() instanceof ProcessExit) {
                parent = ((ProcessExit) event.body()).parent();
                into = exits;
            } else {
                return;
            }
            boolean isTrue = TRUE.equals(proc.binary());
            if (parent == null) {
                if (isTrue) {
                    orphans.increment();
                }
                return;
            }
            (isTrue ? into : others).computeIfAbsent(parent.pid(), k -> new LongAdder()).increment();
        }

        long execs(long parentPid) {
            LongAdder a = execs.get(parentPid);
            return a == null ? 0 : a.sum();
        }

        long exits(long parentPid) {
            LongAdder a = exits.get(parentPid);
            return a == null ? 0 : a.sum();
        }

        long others(long parentPid) {
            LongAdder a = others.get(parentPid);
            return a == null ? 0 : a.sum();
        }

        long orphans() {
            return orphans.sum();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

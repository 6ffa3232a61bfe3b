package io.vigil.bench.asset;

import io.vigil.bench.BpfProgStats;
import io.vigil.bpf.FeatureProbe;
import io.vigil.enforcement.asset.datapath.Taint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the model-theft guard (bpf_asset_guard.c) costs network traffic, in one run:
 *
 * <ol>
 *   <li><b>Untainted egress throughput</b>: iperf3 TCP over veth to a server in a network namespace,
 *       rounds alternating guard off (nothing attached) and guard on (the datapath loaded and
 *       attached to the cgroup v2 root, a DENY policy with a few allow entries, the client not
 *       tainted: one hash lookup per connect, one sk_storage lookup per egress packet). The order
 *       alternates (off,on / on,off) to spread drift. Prints each round and on/off of the medians
 *       (the target: >= 0.97). Then one run of a tainted client to an allowed destination,
 *       no budget: its sockets are marked and every packet is counted against the taint.</li>
 *   <li><b>Connect latency with a large allow list</b>: the policy's asset_allow4 holds
 *       {@code --entries} distinct prefixes (/32 and /24) plus the peer; a client JVM
 *       ({@link ConnectLoop}) times each connect() to a listening socket in the namespace, untainted
 *       and tainted (the tainted one runs the allow-list lookup and marks the socket), in alternating
 *       rounds. Prints mean/p50/p99 per run and pooled, and tainted/untainted. One untainted run
 *       with the guard off comes first, for reference.</li>
 * </ol>
 *
 * Timing is never asserted. Everything it makes (the namespace and its veth pair, the pinned maps
 * under /sys/fs/bpf/vigil-bench-asset, the servers and clients) is removed at the end, on failure,
 * and on SIGINT/SIGTERM (a shutdown hook); bench/run.sh removes them again after a SIGKILL.
 *
 * <pre>AssetGuardBench [--seconds 5] [--rounds 5] [--connects 5000] [--warmup 1000] [--entries 10000]
 *                 [--only iperf|connect]</pre>
 */
public final class AssetGuardBench {
    static final int CONNECT_PORT = 7401;
    /** Allow entries besides the peer in the throughput part: "a few". */
    static final int FEW = 3;

    private final int seconds;
    private final int rounds;
    private final int connects;
    private final int warmup;
    private final int entries;
    private final List<Process> started = new ArrayList<>();
    private final AtomicBoolean cleaned = new AtomicBoolean();

    private AssetGuardBench(int seconds, int rounds, int connects, int warmup, int entries) {
        this.seconds = seconds;
        this.rounds = rounds;
        this.connects = connects;
        this.warmup = warmup;
        this.entries = entries;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 5;
        int rounds = 5;
        int connects = 5000;
        int warmup = 1000;
        int entries = 10_000;
        String only = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--connects" -> connects = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--entries" -> entries = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!List.of("", "iperf", "connect").contains(only)) {
            throw new IllegalArgumentException("--only iperf or --only connect, not " + only);
        }
        if (entries < 0 || entries >= 16384) {
            throw new IllegalArgumentException("--entries must be below 16384 (VIGIL_ASSET_ALLOW_ENTRIES - the peer)");
        }
        if (!isRoot()) {
            System.err.println("AssetGuardBench: needs root (it loads BPF programs and makes a network namespace)");
            System.exit(2);
        }
        boolean iperf = !only.equals("connect");
        boolean connect = !only.equals("iperf");
        if (iperf && !Iperf3.installed()) {
            System.err.println("AssetGuardBench: iperf3 is not installed (apt-get install -y iperf3, or bin/setup)");
            System.exit(2);
        }
        quietLogs();
        AssetGuardBench b = new AssetGuardBench(seconds, rounds, connects, warmup, entries);
        Thread hook = new Thread(b::cleanUp, "asset-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try (BenchNetns ns = BenchNetns.create()) {
            GuardFixture.removePins();   // maps a killed earlier run left
            System.out.println(fmt("AssetGuardBench: host %s (%s) -> namespace %s (%s), kernel %s, %d CPUs, load %s",
                    BenchNetns.HOST_ADDR, BenchNetns.HOST_VETH, BenchNetns.NAME, BenchNetns.PEER_ADDR,
                    System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(), loadAverage()));
            if (iperf) {
                b.throughput(ns);
            }
            if (connect) {
                b.connectLatency(ns);
            }
        } finally {
            b.cleanUp();
        }
    }

    // ---- 1. throughput

    private void throughput(BenchNetns ns) throws Exception {
        System.out.println();
        System.out.println(fmt("== untainted egress throughput: iperf3 -c %s -t %d (TCP, 1 stream), %d rounds each ==",
                BenchNetns.PEER_ADDR, seconds, rounds));
        System.out.println(fmt("guard on = datapath attached to %s, policy %d (DENY, no budget), %d allow entries;"
                + " the client is not tainted", FeatureProbe.cgroup2Root(), GuardFixture.POLICY, 1 + FEW));
        Path log = Files.createTempFile("vigil-bench-iperf3-", ".log");
        Process server = track(Iperf3.startServer(ns, BenchNetns.PEER_ADDR, log));
        try {
            Iperf3.Result w = Iperf3.run(BenchNetns.PEER_ADDR, seconds);
            System.out.println(fmt("warm-up  guard off  %7.2f Gbit/s (not counted)", w.gbps()));
            double[] off = new double[rounds];
            double[] on = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean offFirst = r % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    boolean guard = (k == 0) != offFirst;
                    Iperf3.Result res = guard ? guardedRun() : Iperf3.run(BenchNetns.PEER_ADDR, seconds);
                    (guard ? on : off)[r] = res.gbps();
                    System.out.println(fmt("round %d  guard %-3s  %7.2f Gbit/s  retransmits %5d  cpu host %5.1f %%"
                            + " remote %5.1f %%", r + 1, guard ? "on" : "off", res.gbps(), res.retransmits(),
                            res.hostCpuPercent(), res.remoteCpuPercent()));
                }
            }
            double mOff = median(off);
            double mOn = median(on);
            System.out.println(fmt("median off %.2f Gbit/s, on %.2f Gbit/s: on/off = %.3f (target >= 0.97)%s",
                    mOff, mOn, mOn / mOff, mOn / mOff >= 0.97 ? "" : "  BELOW TARGET"));
            System.out.println(fmt("  range off %.2f-%.2f, on %.2f-%.2f Gbit/s", min(off), max(off), min(on), max(on)));

            diagnosticRun();
            taintedRun(mOn);
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    /** Untainted, guard on, bpf_stats on: what the egress fast path costs per packet. */
    private void diagnosticRun() throws Exception {
        try (GuardFixture g = GuardFixture.load(BenchNetns.PEER_ADDR, FEW)) {
            enableStats();
            BpfProgStats.Prog before = prog("asset_egress");
            Iperf3.Result res = Iperf3.run(BenchNetns.PEER_ADDR, seconds);
            BpfProgStats.Prog egress = prog("asset_egress").minus(before);
            restoreStats();
            System.out.println(fmt("diagnostic: untainted, guard on, bpf_stats on: %.2f Gbit/s; asset_egress %,d runs"
                    + " (client data and server ACKs), %.0f ns/run, %.1f ms in %d s = %.2f %% of one CPU",
                    res.gbps(), egress.runCount(), perRun(egress), egress.runTimeNs() / 1e6, seconds,
                    100.0 * egress.runTimeNs() / (seconds * 1e9)));
        }
    }

    /** iperf3 exec'd by a shell whose pid was tainted first: the marked-socket path, every packet counted. */
    private void taintedRun(double untaintedOnMedian) throws Exception {
        try (GuardFixture g = GuardFixture.load(BenchNetns.PEER_ADDR, FEW)) {
            Process held = track(Iperf3.startHeld(BenchNetns.PEER_ADDR, seconds));
            g.taint(held.pid());
            enableStats();
            BpfProgStats.Prog before = prog("asset_egress");
            Iperf3.Result res = Iperf3.go(held);
            BpfProgStats.Prog egress = prog("asset_egress").minus(before);
            restoreStats();
            Taint t = g.taintOf(held.pid());
            System.out.println(fmt("tainted  guard on   %7.2f Gbit/s  retransmits %5d  cpu host %5.1f %%"
                    + " remote %5.1f %%  (pid %d, destination allowed, no budget)", res.gbps(), res.retransmits(),
                    res.hostCpuPercent(), res.remoteCpuPercent(), held.pid()));
            if (t == null || t.bytes() == 0) {
                throw new IllegalStateException("the tainted client's bytes were not counted: " + t);
            }
            System.out.println(fmt("  the guard counted %,d egress bytes against the taint (%.2f GB); tainted /"
                    + " untainted on median = %.3f", t.bytes(), t.bytes() / 1e9, res.gbps() / untaintedOnMedian));
            System.out.println(fmt("  asset_egress (bpf_stats on for this run): %,d runs, %.0f ns/run, %.1f ms in %d s"
                    + " = %.2f %% of one CPU", egress.runCount(), perRun(egress), egress.runTimeNs() / 1e6, seconds,
                    100.0 * egress.runTimeNs() / (seconds * 1e9)));
        }
    }

    private Iperf3.Result guardedRun() throws Exception {
        try (GuardFixture g = GuardFixture.load(BenchNetns.PEER_ADDR, FEW)) {
            return Iperf3.run(BenchNetns.PEER_ADDR, seconds);
        }
    }

    // ---- 2. connect latency

    /** One client run: the connect() durations, the failed connects, the connect4 program's share. */
    record Run(long[] ns, int errors, BpfProgStats.Prog connect4) {}

    private void connectLatency(BenchNetns ns) throws Exception {
        System.out.println();
        System.out.println(fmt("== connect() latency to %s:%d, %,d connects per run after %,d unmeasured ==",
                BenchNetns.PEER_ADDR, CONNECT_PORT, connects, warmup));
        Process server = track(ns.command(javaCommand("serve", BenchNetns.PEER_ADDR, String.valueOf(CONNECT_PORT)))
                .start());
        try {
            BufferedReader so = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            if (!"listening".equals(so.readLine())) {
                throw new IOException("the connect server in the namespace did not start");
            }
            Run ref = clientRun(null, false);
            print("guard off", "untainted", ref);
            List<Run> untainted = new ArrayList<>();
            List<Run> tainted = new ArrayList<>();
            long t0 = System.nanoTime();
            try (GuardFixture g = GuardFixture.load(BenchNetns.PEER_ADDR, entries)) {
                System.out.println(fmt("guard on: policy %d with %,d entries in asset_allow4 (%,d filler /32 and /24 +"
                        + " the peer /32), written in %.1f s; kernel.bpf_stats_enabled=1 from here on (asset_connect4"
                        + " ns/run below; all connects on the machine count)", GuardFixture.POLICY, g.entries(), entries,
                        (System.nanoTime() - t0) / 1e9));
                enableStats();
                for (int r = 0; r < rounds; r++) {
                    boolean untaintedFirst = r % 2 == 0;
                    for (int k = 0; k < 2; k++) {
                        boolean taint = (k == 0) != untaintedFirst;
                        Run run = clientRun(g, taint);
                        (taint ? tainted : untainted).add(run);
                        print("round " + (r + 1), taint ? "tainted" : "untainted", run);
                    }
                }
                restoreStats();
            }
            Run u = pool(untainted);
            Run t = pool(tainted);
            System.out.println("pooled (guard on):");
            print("all rounds", "untainted", u);
            print("all rounds", "tainted", t);
            System.out.println(fmt("tainted/untainted: mean %.3f  p50 %.3f  p99 %.3f  (tainted - untainted mean: %+.1f us;"
                    + " asset_connect4 %.0f vs %.0f ns/run)", mean(t.ns()) / mean(u.ns()),
                    pct(t.ns(), 50) / pct(u.ns(), 50), pct(t.ns(), 99) / pct(u.ns(), 99),
                    (mean(t.ns()) - mean(u.ns())) / 1e3, perRun(t.connect4()), perRun(u.connect4())));
            System.out.println(fmt("untainted guard on / guard off: mean %.3f  p50 %.3f", mean(u.ns()) / mean(ref.ns()),
                    pct(u.ns(), 50) / pct(ref.ns(), 50)));
            int errors = ref.errors() + u.errors() + t.errors();
            if (errors > 0) {
                System.out.println(fmt("%d connects failed (not EPERM) and were not timed", errors));
            }
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** One client JVM; with taint, tainted by pid before it starts connecting. */
    private Run clientRun(GuardFixture guard, boolean taint) throws Exception {
        Process c = track(new ProcessBuilder(javaCommand("connect", BenchNetns.PEER_ADDR, String.valueOf(CONNECT_PORT),
                String.valueOf(connects), String.valueOf(warmup))).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
            String first = out.readLine();
            if (first == null || !first.equals("pid " + c.pid())) {
                throw new IOException("the connect client said " + first);
            }
            if (taint) {
                guard.taint(c.pid());
            }
            BpfProgStats.Prog before = guard == null ? null : connect4();
            try (OutputStream in = c.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            String head = out.readLine();
            if (head == null || !head.startsWith("samples ")) {
                throw new IOException("the connect client failed (" + head + ")");
            }
            String[] f = head.split(" ");
            long[] ns = new long[Integer.parseInt(f[1])];
            for (int i = 0; i < ns.length; i++) {
                ns[i] = Long.parseLong(out.readLine());
            }
            BpfProgStats.Prog after = guard == null ? null : connect4();
            if (!c.waitFor(30, TimeUnit.SECONDS) || c.exitValue() != 0) {
                throw new IOException("the connect client did not end cleanly");
            }
            if (taint && guard.taintOf(c.pid()) == null) {
                throw new IllegalStateException("the client's taint is gone: it was not measured tainted");
            }
            return new Run(ns, Integer.parseInt(f[3]), after == null ? null : after.minus(before));
        } finally {
            c.destroyForcibly();
        }
    }

    /** The guard's connect4 program among those this JVM holds. */
    private static BpfProgStats.Prog connect4() {
        return prog("asset_connect4");
    }

    private static BpfProgStats.Prog prog(String name) {
        return BpfProgStats.snapshot().values().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    private static void print(String when, String who, Run r) {
        String prog = r.connect4() == null || r.connect4().runCount() == 0 ? ""
                : fmt("  asset_connect4 %,d runs %.0f ns/run", r.connect4().runCount(), perRun(r.connect4()));
        System.out.println(fmt("%-10s  %-9s  n %,6d  mean %7.1f us  p50 %7.1f us  p99 %7.1f us  max %8.1f us%s", when,
                who, r.ns().length, mean(r.ns()) / 1e3, pct(r.ns(), 50) / 1e3, pct(r.ns(), 99) / 1e3,
                pct(r.ns(), 100) / 1e3, prog));
    }

    private static double perRun(BpfProgStats.Prog p) {
        return p == null || p.runCount() == 0 ? Double.NaN : (double) p.runTimeNs() / p.runCount();
    }

    static Run pool(List<Run> runs) {
        long[] ns = runs.stream().flatMapToLong(r -> Arrays.stream(r.ns())).toArray();
        int errors = runs.stream().mapToInt(Run::errors).sum();
        BpfProgStats.Prog sum = null;
        for (Run r : runs) {
            if (r.connect4() != null) {
                sum = sum == null ? r.connect4() : new BpfProgStats.Prog(sum.id(), sum.name(),
                        sum.runTimeNs() + r.connect4().runTimeNs(), sum.runCount() + r.connect4().runCount());
            }
        }
        return new Run(ns, errors, sum);
    }

    // ---- bpf_stats (two clock reads per program run: on for the measured-per-program phases only)

    private String statsWas;

    private synchronized void enableStats() throws IOException {
        if (statsWas == null) {
            statsWas = BpfProgStats.enable();
        }
    }

    private synchronized void restoreStats() {
        if (statsWas != null) {
            BpfProgStats.restore(statsWas);
            statsWas = null;
        }
    }

    /**
     * The same JVM and classpath as this one, small heap, AF_INET sockets: by default Java connects
     * to an IPv4 address from an AF_INET6 socket (::ffff:a.b.c.d), which reaches the guard's connect6
     * program, and that one looks the v4-mapped address up in asset_allow6 only, so a tainted Java
     * client is refused (EPERM) a destination that asset_allow4 allows.
     */
    private static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-Xms32m", "-Xmx64m", "-Djava.net.preferIPv4Stack=true",
                "-cp", System.getProperty("java.class.path"),
                ConnectLoop.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    // ---- clean-up

    private synchronized Process track(Process p) {
        started.add(p);
        return p;
    }

    /** Idempotent; from the finally of main and from the shutdown hook (SIGINT, SIGTERM). */
    private void cleanUp() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        List<Process> ps;
        synchronized (this) {
            ps = new ArrayList<>(started);
        }
        for (Process p : ps) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        restoreStats();
        BenchNetns.removeLeftovers();     // kills what runs in the namespace by pid, deletes it and the veth
        GuardFixture.removePins();        // the attached links go with this process's file descriptors
    }

    // ---- numbers

    static double mean(long[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** Nearest-rank percentile. */
    static double pct(long[] v, double p) {
        long[] s = v.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** As the other benchmarks: plain-text logs at WARN unless the caller chose otherwise. */
    static void quietLogs() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-text.xml");
        }
        if (System.getProperty("vigil.log.level") == null) {
            System.setProperty("vigil.log.level", "WARN");
        }
    }
}

package io.vigil.bench;

import static io.vigil.bench.BenchSupport.fmt;

import io.vigil.agent.pipeline.EventProcessor;
import io.vigil.agent.pipeline.MsgHandler;
import io.vigil.agent.pipeline.PipelineStats;
import io.vigil.agent.pipeline.RingBufferReader;
import io.vigil.agent.pipeline.SinkDispatcher;
import io.vigil.agent.process.Enricher;
import io.vigil.agent.process.ProcFsScanner;
import io.vigil.agent.process.ProcessCache;
import io.vigil.agent.sensors.BaseSensors;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.agent.sensors.SensorLoader;
import io.vigil.agent.time.BootClock;
import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.bpf.Backend;
import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import io.vigil.bpf.FeatureProbe;
import io.vigil.bpf.RingBuffer;
import io.vigil.agent.process.SeedProcess;
import io.vigil.bpf.BpfException;
import io.vigil.bpf.wire.BenchMsg;
import io.vigil.bpf.wire.ExecFlags;
import io.vigil.bpf.wire.Layout;
import io.vigil.bpf.wire.Msg;
import io.vigil.bpf.wire.MsgOp;
import io.vigil.bpf.wire.StatIndex;
import io.vigil.exporters.file.FileExportOptions;
import io.vigil.exporters.file.JsonFileExporter;
import io.vigil.exporters.file.RotationPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Events per second from the kernel to the JSON file, on the agent's own pipeline.
 *
 * <p>The pipeline is the agent's, assembled from its public pieces (io.vigil.agent.Agent does not
 * expose its maps or take a handler, see bench/README.md): the base sensors loaded by
 * {@link SensorLoader} with their shared {@code events} ring buffer, {@link RingBufferReader},
 * {@link EventProcessor}, {@link SinkDispatcher} and a {@link JsonFileExporter}, on three threads
 * with the agent's queue sizes and poll interval. The benchmark program bpf_bench.bpf.o is loaded
 * into the same ring buffer ({@code reuseMap("events", fd)}) and emits one 32-byte record per
 * getppid() of bench/src/main/c/getppid_loop.c.
 *
 * <p>The agent's {@link Enricher} has nothing to do with BenchMsg (it ignores it), so the handler
 * here sends process records to a real Enricher and turns each BenchMsg into a process_exit of the
 * getppid_loop process with its parent, as the enricher would build it from its cache (process and
 * parent from the cache, time from the record's ktime, status = the record's sequence number,
 * flags "bench" to tell the lines apart): a Tetragon-shaped line of the usual size per record.
 *
 * <p>Accounting for the bench records only: the bench object keeps its own vigil_stats map (it does
 * not reuse the agent's), so its RINGBUF_FULL counts exactly the bench records the kernel could not
 * queue; the queues count the bench records they refuse. "No unaccounted loss" is
 * generated (bench_seq) == written + ring-buffer-full + queue drops + malformed. Exit status 1 if not.
 *
 * <p>Runs: a baseline (the syscall loop with the program attached but not armed), a warm-up run,
 * the measured run(s) with generator and pipeline running together (on 2 CPUs they compete; the
 * generator alone makes at most ~1/(syscall + program) records per second), and a drain run: the
 * reader is stopped while the generator fills the ring buffer (16 MiB, about 400k bench records),
 * then started, so that the rate is the pipeline's own from a full buffer to the file.
 *
 * <p>--out FILE writes there (a new regular file; an existing regular file is replaced), else to
 * a temporary file deleted at the end unless --keep. --discard (diagnostic) serializes the same
 * JSON to a discarding stream instead of a file, to tell the file system's share from the rest.
 *
 * <pre>
 * PipelineBench [--calls 2000000] [--warmup-calls 2000000] [--runs 1] [--drain-calls 400000]
 *               [--out FILE] [--keep] [--no-rotate] [--discard]
 *               [--raw-queue 65536] [--sink-queue 65536] [--poll-ms 10]
 * </pre>
 */
public final class PipelineBench {
    private static final String BENCH_FLAGS = "bench";

    private long calls = 2_000_000;
    private long warmupCalls = 2_000_000;
    private long drainCalls = 400_000;
    private int runs = 1;
    private Path out;
    private boolean keep;
    private boolean noRotate;
    private BenchLineShipper shipper;
    private boolean discard;
    private int rawQueue = 65536;
    private int sinkQueue = 65536;
    private int pollMillis = 10;

    private Path workloads;
    private BpfMap benchConfig;
    private BpfMap benchSeq;
    private BpfMap benchStats;
    private BpfMap agentStats;
    private final PipelineStats stats = new PipelineStats();
    private final AtomicLong benchReceived = new AtomicLong();
    private CountingRawQueue raw;
    private CountingEventQueue ready;
    private BenchHandler handler;
    private CountingFileSink sink;
    private BpfMap events;
    private RingBufferReader reader;
    private Thread readerThread;
    private boolean failed;

    public static void main(String[] args) throws Exception {
        BenchSupport.quietLogs();
        PipelineBench b = new PipelineBench();
        b.parse(args);
        System.exit(b.run());
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--calls": calls = Long.parseLong(args[++i]); break;
                case "--warmup-calls": warmupCalls = Long.parseLong(args[++i]); break;
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--drain-calls": drainCalls = Long.parseLong(args[++i]); break;
                case "--out": out = Path.of(args[++i]); break;
                case "--keep": keep = true; break;
                case "--no-rotate": noRotate = true; break;
                case "--discard": discard = true; break;
                case "--raw-queue": rawQueue = Integer.parseInt(args[++i]); break;
                case "--sink-queue": sinkQueue = Integer.parseInt(args[++i]); break;
                case "--poll-ms": pollMillis = Integer.parseInt(args[++i]); break;
                default:
                    System.err.println("usage: PipelineBench [--calls N] [--warmup-calls N] [--runs R] [--drain-calls N] "
                            + "[--out FILE] "
                            + "[--keep] [--no-rotate] [--discard] [--raw-queue N] [--sink-queue N] [--poll-ms MS]");
                    System.exit(2);
            }
        }
    }

    private int run() throws Exception {
        if (!BenchSupport.isRoot()) {
            System.err.println("PipelineBench loads BPF programs: run it as root");
            return 2;
        }
        workloads = BenchSupport.workloads();
        boolean tempOut = out == null && !discard;
        if (discard) {
            out = null; // nothing is written
        } else if (tempOut) {
            out = Files.createTempFile("vigil-pipeline-bench-", ".json");
        } else if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                System.err.println(out + " exists and is not a regular file: give a new file name "
                        + "(--discard measures without a file)");
                return 2;
            }
            Files.delete(out); // the check counts the lines of this run only
        }
        Backend backend = FeatureProbe.run().choose();
        System.out.println(fmt("PipelineBench: getppid() -> bpf_bench record -> agent ring buffer -> reader -> decode/enrich "
                        + "-> JSON %s; %d CPUs; kernel %s; backend %s; queues %d/%d; poll %d ms",
                discard ? "serialized and discarded (--discard: no file)" : "file " + out,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"), backend.displayName(),
                rawQueue, sinkQueue, pollMillis));

        LoadedSensors sensors = new SensorLoader(BaseSensors.SHARED_MAPS).load(BaseSensors.ALL, backend);
        BpfObject bench = null;
        BpfLink link = null;
        Thread processorThread = null;
        Thread dispatcherThread = null;
        EventProcessor processor = null;
        SinkDispatcher dispatcher = null;
        try {
            events = sensors.map("events");
            agentStats = sensors.map("vigil_stats");
            bench = BpfObject.openResource("/bpf/bpf_bench.bpf.o");
            bench.reuseMap("events", events.fd()); // the agent's ring buffer; vigil_stats stays the bench's own
            bench.load();
            link = bench.program("vigil_bench_getppid").attach();
            benchConfig = bench.map("bench_config");
            benchSeq = bench.map("bench_seq");
            benchStats = bench.map("vigil_stats");

            String node = "bench";
            BootClock clock = BootClock.system();
            ProcessCache cache = new ProcessCache(131_072, 5_000_000_000L, System::nanoTime);
            Enricher enricher = new Enricher(node, clock::toInstant, cache, Enricher.Limits.defaults());
            List<SeedProcess> seeds = new ProcFsScanner().scan(); // as the agent: the running processes are known
            seedKernel(sensors.map("execve_map"), seeds);
            enricher.seedAll(seeds, e -> { });

            raw = new CountingRawQueue(rawQueue);
            ready = new CountingEventQueue(sinkQueue);
            handler = new BenchHandler(node, clock, enricher);
            sink = new CountingFileSink(discard ? new DiscardingJsonSink() : JsonFileExporter.open(out,
                    FileExportOptions.DEFAULTS.withRotation(rotation())));
            if (!discard) {
                shipper = new BenchLineShipper(out, BENCH_FLAGS).start();
            }
            processor = new EventProcessor(raw, ready, handler, stats, System::nanoTime, 100_000_000L);
            dispatcher = new SinkDispatcher(ready, List.of(sink), stats);
            dispatcherThread = thread(dispatcher, "vigil-sinks");
            processorThread = thread(processor, "vigil-enricher");
            dispatcherThread.start();
            processorThread.start();
            startReader();

            baseline();
            if (warmupCalls > 0) {
                oneRun("warm-up", warmupCalls, false);
            }
            for (int r = 1; r <= runs; r++) {
                oneRun(runs == 1 ? "measured" : "measured #" + r, calls, false);
            }
            if (drainCalls > 0) {
                oneRun("drain", drainCalls, true);
            }
        } finally {
            if (link != null) {
                link.close();
            }
            stopReader();
            if (processor != null) {
                processor.stop();
                join(processorThread);
                dispatcher.stop();
                join(dispatcherThread); // closes the file sink
            }
            if (bench != null) {
                bench.close();
            }
            sensors.close();
        }
        if (discard) {
            System.out.println();
            System.out.println("--discard: the events were serialized to JSON and thrown away, no file to check");
        } else {
            verifyFile();
        }
        if (tempOut && !keep) {
            Files.deleteIfExists(out);
        } else if (!discard) {
            System.out.println("JSON file kept: " + out + (noRotate ? "" : " (the last rotation's lines; the backups were read and deleted)"));
        }
        System.out.println(failed ? "RESULT: unaccounted loss or a file mismatch (exit status 1)"
                : "RESULT: no unaccounted loss (generated == written + counted lost in every run)");
        return failed ? 1 : 0;
    }

    /** The kernel edge, as the agent's; a new one per start (the ring buffer keeps its consumer position). */
    private void startReader() {
        BpfMap ev = events;
        reader = new RingBufferReader(h -> RingBuffer.open(ev, (data, size) -> {
            if ((data.getByte(0) & 0xff) == MsgOp.BENCH.code()) {
                benchReceived.lazySet(benchReceived.get() + 1); // single writer: the reader thread
            }
            h.onRecord(data, size);
        }), raw, stats, pollMillis);
        readerThread = thread(reader, "vigil-ringbuf");
        readerThread.start();
    }

    private void stopReader() throws InterruptedException {
        if (reader != null) {
            reader.stop();
            join(readerThread);
            reader = null;
        }
    }

    /** What the agent does at start-up (ProcessModel.seedKernel): the running processes into execve_map. */
    private static void seedKernel(BpfMap execveMap, List<SeedProcess> seeds) {
        for (SeedProcess s : seeds) {
            ByteBuffer v = ByteBuffer.allocate(Layout.ExecveMapValue.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
            v.putInt(Layout.ExecveMapValue.KEY + Layout.ExecveKey.PID, s.pid());
            v.putLong(Layout.ExecveMapValue.KEY + Layout.ExecveKey.KTIME, s.ktime());
            v.putInt(Layout.ExecveMapValue.PKEY + Layout.ExecveKey.PID, s.parent().pid());
            v.putLong(Layout.ExecveMapValue.PKEY + Layout.ExecveKey.KTIME, s.parent().ktime());
            v.putInt(Layout.ExecveMapValue.FLAGS, ExecFlags.PROCFS);
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, s.pid()).array();
            try {
                execveMap.update(key, v.array(), BpfMap.NOEXIST);
            } catch (BpfException e) {
                // EEXIST: the fork sensor saw it first
            }
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void join(Thread t) throws InterruptedException {
        t.join(30_000);
        if (t.isAlive()) {
            System.err.println("thread " + t.getName() + " did not stop in 30 s");
        }
    }

    // ---- runs

    /** A started getppid_loop, waiting for its go line. */
    private static final class Workload implements AutoCloseable {
        final Process process;
        final BufferedReader stdout;
        final OutputStream stdin;
        final int pid;

        Workload(Path exe, long n) throws IOException {
            process = new ProcessBuilder(exe.toString(), Long.toString(n)).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            stdin = process.getOutputStream();
            pid = Integer.parseInt(stdout.readLine().trim());
        }

        /** Sends the go line; returns the loop's elapsed ns as it prints it. */
        long go() throws IOException, InterruptedException {
            stdin.write('\n');
            stdin.flush();
            String line = stdout.readLine();
            if (line == null) {
                throw new IOException("getppid_loop ended without printing its time");
            }
            process.waitFor();
            return Long.parseLong(line.trim());
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    private void arm(int pid) throws Exception {
        benchConfig.update(0, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, pid).array());
    }

    /** The syscall loop alone: the program attached but not armed for this process. */
    private void baseline() throws Exception {
        try (Workload w = new Workload(workloads.resolve("getppid_loop"), calls)) {
            arm(0);
            long ns = w.go();
            System.out.println(fmt("baseline: getppid_loop %d calls, bench program attached but not armed: %.1f ms, "
                    + "%.0f ns per call", calls, ns / 1e6, (double) ns / calls));
        }
    }

    /** Counter values at one instant. */
    private record Counters(long generated, long kernelFull, long kernelSent, long received, long rawDrops,
                            long decoded, long sinkDrops, long malformed, long written, long agentFull) {
        Counters minus(Counters o) {
            return new Counters(generated - o.generated, kernelFull - o.kernelFull, kernelSent - o.kernelSent,
                    received - o.received, rawDrops - o.rawDrops, decoded - o.decoded, sinkDrops - o.sinkDrops,
                    malformed - o.malformed, written - o.written, agentFull - o.agentFull);
        }

        long countedLost() {
            return kernelFull + rawDrops + sinkDrops + malformed;
        }
    }

    private Counters counters() throws Exception {
        return new Counters(benchSeq.lookupLong(0).orElse(0), benchStats.sumPerCpu(StatIndex.RINGBUF_FULL.index()),
                benchStats.sumPerCpu(StatIndex.EVENTS_SENT.index()), benchReceived.get(), raw.benchDrops.get(),
                handler.benchDecoded.get(), ready.benchDrops.get(), stats.malformed.get(), sink.benchWritten.get(),
                agentStats.sumPerCpu(StatIndex.RINGBUF_FULL.index()));
    }

    /**
     * One run. Concurrent: the generator and the pipeline run together (on 2 CPUs they share them).
     * Drain: the reader is stopped while the generator fills the ring buffer, then started; the rate
     * is the pipeline's alone, from a full buffer to the file.
     */
    private void oneRun(String name, long n, boolean drain) throws Exception {
        if (drain) {
            stopReader();
        }
        Counters c0 = counters();
        long[] gc0 = BenchSupport.gc();
        long cpu0 = BenchSupport.processCpuNanos();
        Map<String, TaskStats.Usage> t0 = TaskStats.snapshot();
        long go;
        long loopNs;
        try (Workload w = new Workload(workloads.resolve("getppid_loop"), n)) {
            arm(w.pid);
            sink.markRun();
            go = System.nanoTime();
            loopNs = w.go();
            arm(0);
        }
        long loopEnd = System.nanoTime();
        if (drain) {
            cpu0 = BenchSupport.processCpuNanos();
            gc0 = BenchSupport.gc();
            t0 = TaskStats.snapshot();
            go = System.nanoTime();
            startReader();
        }
        // wait until every generated record is written or counted lost; give up after 10 s without progress
        Counters d = counters().minus(c0);
        long lastProgress = System.nanoTime();
        long seen = -1;
        while (d.written() + d.countedLost() < d.generated()) {
            long now = System.nanoTime();
            long progress = d.written() + d.countedLost();
            if (progress != seen) {
                seen = progress;
                lastProgress = now;
            } else if (now - lastProgress > 10_000_000_000L) {
                break;
            }
            Thread.sleep(10);
            d = counters().minus(c0);
        }
        Thread.sleep(200); // anything late (it would show as written > generated)
        d = counters().minus(c0);
        long cpu = BenchSupport.processCpuNanos() - cpu0;
        long[] gc1 = BenchSupport.gc();
        Map<String, TaskStats.Usage> td = TaskStats.delta(t0, TaskStats.snapshot());

        long first = sink.firstNanos;
        long last = sink.lastNanos.get();
        long unaccounted = d.generated() - d.written() - d.countedLost();
        boolean ok = unaccounted == 0;
        if (!ok) {
            failed = true;
        }
        System.out.println();
        System.out.println(fmt("[%s] getppid_loop %d calls in %.1f ms (%.0f ns per call, %.2f M records/s generated)%s",
                name, n, loopNs / 1e6, (double) loopNs / n, d.generated() * 1e3 / loopNs,
                drain ? "; reader stopped while it ran, started after: the rate is the pipeline's alone" : ""));
        System.out.println(fmt("  generated (bench_seq)            %,12d", d.generated()));
        System.out.println(fmt("  lost: ring buffer full (kernel)  %,12d   (bench's own vigil_stats; sent %,d)", d.kernelFull(),
                d.kernelSent()));
        System.out.println(fmt("  received in Java (reader)        %,12d", d.received()));
        System.out.println(fmt("  lost: raw queue full             %,12d", d.rawDrops()));
        System.out.println(fmt("  decoded, at the handler          %,12d", d.decoded()));
        System.out.println(fmt("  lost: sink queue full            %,12d", d.sinkDrops()));
        System.out.println(fmt("  malformed (any record)           %,12d", d.malformed()));
        System.out.println(fmt("  written to the JSON file         %,12d", d.written()));
        System.out.println(fmt("  check: generated %,d == written %,d + counted lost %,d -> %s", d.generated(), d.written(),
                d.countedLost(), ok ? "OK, no unaccounted loss" : "FAILED, unaccounted " + unaccounted));
        if (d.agentFull() > 0) {
            System.out.println(fmt("  (the base sensors' own ring-buffer-full counter rose by %d during the run: process "
                    + "records of other programs lost while the bench filled the buffer)", d.agentFull()));
        }
        if (d.written() > 0 && last > go) {
            double e2e = d.written() * 1e9 / (last - go);
            double steady = last > first ? (d.written() - 1) * 1e9 / (last - first) : 0;
            System.out.println(fmt("  rate kernel->file: %,.0f events/s = written / (last written - %s, %.1f ms); "
                            + "%,.0f events/s between the first and the last written (target >= 500,000/s: %s)",
                    e2e, drain ? "reader start" : "go", (last - go) / 1e6, steady, steady >= 500_000 ? "met" : "NOT met"));
            if (!drain) {
                System.out.println(fmt("  the last event was written %.1f ms after the generator stopped%s", (last - loopEnd) / 1e6,
                        (last - loopEnd) < 100_000_000L && d.countedLost() == 0
                                ? ": the pipeline kept up, this rate is the generator's, not the pipeline's ceiling" : ""));
            }
            System.out.println(fmt("  delivered share: %.1f%% of generated; the rest was counted lost", 100.0 * d.written()
                    / Math.max(1, d.generated())));
            System.out.println(fmt("  JVM CPU over the run: %.1f ms (%.2f us per record written); GC: %d collections, %d ms",
                    cpu / 1e6, cpu / 1e3 / d.written(), gc1[0] - gc0[0], gc1[1] - gc0[1]));
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, TaskStats.Usage> e : td.entrySet()) {
                if (e.getValue().cpuNs() >= 10_000_000L) {
                    sb.append(fmt(" %s %.0f ms (%,d switches);", e.getKey(), e.getValue().cpuNs() / 1e6,
                            e.getValue().voluntary() + e.getValue().involuntary()));
                }
            }
            System.out.println("  by thread:" + sb);
        }
    }

    /**
     * The agent's default: 10 MB files; every backup is kept for the {@link BenchLineShipper}, which
     * counts and deletes it. --no-rotate: one file that grows by gigabytes (new page-cache pages).
     */
    private RotationPolicy rotation() {
        return noRotate ? RotationPolicy.none()
                : new RotationPolicy(RotationPolicy.TETRAGON_DEFAULTS.maxSizeBytes(), java.time.Duration.ZERO, 0, false);
    }

    /** Every written bench event must be in the file or in a backup the shipper read. */
    private void verifyFile() throws IOException, InterruptedException {
        shipper.close();
        boolean ok = shipper.benchLines() == sink.benchWritten.get();
        if (!ok) {
            failed = true;
        }
        System.out.println();
        System.out.println(fmt("file: %,d lines in %,d files (%s; %.0f MB, %.0f bytes per line), %,d bench lines; the sink"
                        + " accepted %,d bench events over all runs -> %s", shipper.lines(), shipper.files(),
                noRotate ? "no rotation" : "10 MB rotation, backups read and deleted as they appear", shipper.bytes() / 1e6,
                shipper.lines() == 0 ? 0.0 : (double) shipper.bytes() / shipper.lines(),
                shipper.benchLines(), sink.benchWritten.get(), ok ? "all in the files" : "MISMATCH"));
    }

    // ---- the pipeline's bench-aware pieces

    /** Process records to the enricher; BenchMsg to a process_exit of the bench process. */
    static final class BenchHandler implements MsgHandler {
        private final String node;
        private final BootClock clock;
        private final Enricher enricher;
        private int templatePid = -1;
        private ProcessInfo process;
        private ProcessInfo parent;
        /** single writer (the enricher thread), read by the main thread */
        final AtomicLong benchDecoded = new AtomicLong();

        BenchHandler(String node, BootClock clock, Enricher enricher) {
            this.node = node;
            this.clock = clock;
            this.enricher = enricher;
        }

        @Override
        public void handle(Msg msg, Consumer<Event> out) {
            if (!(msg instanceof BenchMsg)) {
                enricher.onMsg(msg, out);
                return;
            }
            BenchMsg b = (BenchMsg) msg;
            benchDecoded.lazySet(benchDecoded.get() + 1);
            if (b.pid() != templatePid) {
                template(b.pid());
            }
            java.time.Instant t = clock.toInstant(b.ktime());
            out.accept(new Event(node, t, new ProcessExit(process, parent, "", b.seq() & 0xFFFF_FFFFL, t)));
        }

        /** The bench process and its parent as the enricher's cache has them (once per process). */
        private void template(int pid) {
            templatePid = pid;
            ProcessCache.Entry e = enricher.cache().current(pid);
            if (e == null) {
                process = ProcessInfo.builder().pid(pid).binary("getppid_loop").flags(BENCH_FLAGS).build();
                parent = null;
                return;
            }
            process = e.info().withFlags(BENCH_FLAGS);
            ProcessCache.Entry p = enricher.cache().get(e.parentKey());
            parent = p == null ? null : p.info();
        }

        @Override
        public void tick(long nowNanos, Consumer<Event> out) {
            enricher.tick(nowNanos, out);
        }
    }

    static boolean isBench(Event e) {
        return e.body() instanceof ProcessExit && BENCH_FLAGS.equals(e.body().process().flags());
    }

    /** The decode queue, counting the bench records it refuses. */
    static final class CountingRawQueue extends ArrayBlockingQueue<byte[]> {
        final AtomicLong benchDrops = new AtomicLong();

        CountingRawQueue(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(byte[] rec) {
            if (super.offer(rec)) {
                return true;
            }
            if ((rec[0] & 0xff) == MsgOp.BENCH.code()) {
                benchDrops.incrementAndGet();
            }
            return false;
        }
    }

    /** The sink queue, counting the bench events it refuses. */
    static final class CountingEventQueue extends ArrayBlockingQueue<Event> {
        final AtomicLong benchDrops = new AtomicLong();

        CountingEventQueue(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Event e) {
            if (super.offer(e)) {
                return true;
            }
            if (isBench(e)) {
                benchDrops.incrementAndGet();
            }
            return false;
        }
    }

    /** Diagnostic (--discard): the same JSON lines, to a stream that drops them: no file system. */
    static final class DiscardingJsonSink implements EventSink {
        private final EventJsonWriter writer = new EventJsonWriter();
        private final com.fasterxml.jackson.core.JsonGenerator gen;

        DiscardingJsonSink() throws IOException {
            gen = writer.newGenerator(OutputStream.nullOutputStream());
        }

        @Override
        public void accept(Event event) {
            try {
                writer.writeLine(gen, event);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void flush() {
            try {
                gen.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                gen.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The JSON file exporter, counting the bench events it accepted and when. */
    static final class CountingFileSink implements EventSink {
        private final EventSink file;
        /** single writer (the sink thread), read by the main thread */
        final AtomicLong benchWritten = new AtomicLong();
        volatile long firstNanos;
        final AtomicLong lastNanos = new AtomicLong();
        private volatile boolean newRun;

        CountingFileSink(EventSink file) {
            this.file = file;
        }

        void markRun() {
            newRun = true;
        }

        @Override
        public void accept(Event event) {
            file.accept(event);
            if (isBench(event)) {
                long now = System.nanoTime();
                if (newRun) {
                    newRun = false;
                    firstNanos = now;
                }
                lastNanos.lazySet(now);
                benchWritten.lazySet(benchWritten.get() + 1);
            }
        }

        @Override
        public void flush() {
            file.flush();
        }

        @Override
        public void close() {
            file.close();
        }
    }
}

package io.vigil.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.agent.process.Enricher;
import io.vigil.agent.process.ProcessCache;
import io.vigil.agent.process.SeedProcess;
import io.vigil.agent.time.BootClock;
import io.vigil.api.Event;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.bpf.wire.ExecFlags;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.Layout;
import io.vigil.bpf.wire.MalformedRecordException;
import io.vigil.bpf.wire.Msg;
import io.vigil.bpf.wire.MsgDecoder;
import io.vigil.bpf.wire.MsgOp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Java side's ceiling: decode -> enrich -> JSON for one process's exec and exit records (two
 * events), on synthetic records laid out as the sensors write them (as in MsgDecoderTest), one
 * thread, no queues, no ring buffer, no file (the JSON goes to a discarding stream). Each operation
 * is a new process: a fresh pid/ktime is patched into the records, the process's parent is a seeded
 * shell. Two process caches ({@link #cache}): the agent's, and one that keeps no exited process,
 * to separate the code's cost from what retaining exited processes costs the GC.
 *
 * <ul>
 *   <li>{@code decode}: the two records decoded;
 *   <li>{@code decodeEnrich}: and turned into process_exec + process_exit;
 *   <li>{@code decodeEnrichJson}: and written as two JSON lines (the figure asked for);
 *   <li>{@code forkExecExitJson}: the clone record first (a fork+exec+exit as execloop makes them):
 *       three records, two events.
 * </ul>
 *
 * Short by default (3 forks x 3 x 1 s warm-up + 3 x 1 s measurement per benchmark and cache,
 * about 3.5 minutes in all): the machine has 2 CPUs. JMH options override, e.g.
 * {@code -f 1 -wi 2 -i 3 -w 1s -r 1s -p cache=agent}, and a regex picks benchmarks. Run it with
 * {@code bench/run.sh jmh [JMH options]}; add {@code -prof gc} for allocation and GC time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class DecodeEnrichJsonBench {
    private static final String NODE = "bench-node";
    /** Wall minus boot clock: any fixed offset (a 2024 date). */
    private static final long REAL_MINUS_BOOT_NS = 1_713_044_264_535_843_885L;
    private static final long NANOS_PER_PROCESS = 500_000L; // between a process's records (ktimes)
    private static final long TICK_NANOS = 100_000_000L;
    private static final int PID_BASE = 10_000;
    private static final int PIDS = 30_000;

    private static final ExecveKey INIT = new ExecveKey(1, 1_000_000_000L);
    private static final ExecveKey SHELL = new ExecveKey(4_200, 50_000_000_000L);

    /**
     * The process cache. "agent": the agent's settings (131,072 entries, 5 s grace after exit, a tick
     * every 100 ms of System.nanoTime): at these rates it stays full of exited processes (every insert
     * collects the oldest one early), about 200 MB that the GC keeps copying and promoting, as the
     * agent would at a sustained rate that high. "noretain": no grace, collected after every 512
     * records (the pipeline's batch): the code's own cost, without that retention.
     */
    @Param({"agent", "noretain"})
    public String cache;

    private long now;
    private long lastTick;
    private boolean retain;
    private long seq;
    private Enricher enricher;
    private EventJsonWriter writer;
    private JsonGenerator gen;
    private ByteBuffer exec;
    private ByteBuffer exit;
    private ByteBuffer clone;
    private byte[] execBytes;
    private byte[] exitBytes;
    private byte[] cloneBytes;
    private Consumer<Event> toJson;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        now = 1_000_000_000L;
        lastTick = now;
        seq = 0;
        if (!"agent".equals(cache) && !"noretain".equals(cache)) {
            throw new IllegalArgumentException("cache must be agent or noretain, not " + cache);
        }
        retain = "agent".equals(cache);
        now = System.nanoTime();
        lastTick = now;
        ProcessCache cache = retain ? new ProcessCache(131_072, 5_000_000_000L, System::nanoTime)
                : new ProcessCache(131_072, 0L, () -> now);
        enricher = new Enricher(NODE, BootClock.withOffset(REAL_MINUS_BOOT_NS)::toInstant, cache, Enricher.Limits.defaults());
        enricher.seedAll(List.of(
                new SeedProcess(1, INIT.ktime(), new ExecveKey(0, 0), "/usr/lib/systemd/systemd",
                        List.of("/sbin/init"), "/", false, 0, 0, 0, 0, -1),
                new SeedProcess(SHELL.pid(), SHELL.ktime(), INIT, "/usr/bin/bash", List.of("-bash"), "/home/dev",
                        false, 1000, 1000, 1000, 1000, 1000)), e -> { });
        execBytes = execRecord("/usr/bin/git", "git\0status\0--short".getBytes(StandardCharsets.UTF_8),
                "/home/dev/src/vigil");
        exitBytes = exitRecord();
        cloneBytes = cloneRecord();
        exec = ByteBuffer.wrap(execBytes).order(ByteOrder.LITTLE_ENDIAN);
        exit = ByteBuffer.wrap(exitBytes).order(ByteOrder.LITTLE_ENDIAN);
        clone = ByteBuffer.wrap(cloneBytes).order(ByteOrder.LITTLE_ENDIAN);
        writer = new EventJsonWriter();
        gen = writer.newGenerator(OutputStream.nullOutputStream());
        toJson = e -> {
            try {
                writer.writeLine(gen, e);
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        };
        check(false);
        check(true);
    }

    /** One process through the enricher: one process_exec with its parent, one process_exit. */
    private void check(boolean withClone) {
        nextProcess(withClone);
        List<Event> out = new java.util.ArrayList<>();
        if (withClone) {
            out.addAll(enricher.onMsg(decode(cloneBytes)));
        }
        out.addAll(enricher.onMsg(decode(execBytes)));
        out.addAll(enricher.onMsg(decode(exitBytes)));
        if (out.size() != 2 || !(out.get(0).body() instanceof io.vigil.api.ProcessExec)
                || ((io.vigil.api.ProcessExec) out.get(0).body()).parent() == null
                || !(out.get(1).body() instanceof io.vigil.api.ProcessExit)) {
            throw new IllegalStateException("synthetic records do not make exec+exit with a parent: " + out);
        }
        if (withClone && !out.get(0).body().process().flags().contains("clone")) {
            throw new IllegalStateException("exec after clone without the clone flag: " + out.get(0));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        gen.close();
    }

    // ---- records, laid out as vigil_msg.h (MsgDecoderTest builds them the same way)

    private static byte[] execRecord(String binary, byte[] argv, String cwd) {
        byte[] bin = binary.getBytes(StandardCharsets.UTF_8);
        byte[] wd = cwd.getBytes(StandardCharsets.UTF_8);
        int size = Layout.Exec.SIZEOF + bin.length + argv.length + wd.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Layout.Common.OP, (byte) MsgOp.EXEC.code());
        b.putInt(Layout.Common.SIZE, size);
        b.putInt(Layout.Exec.PARENT + Layout.ExecveKey.PID, SHELL.pid());
        b.putLong(Layout.Exec.PARENT + Layout.ExecveKey.KTIME, SHELL.ktime());
        b.putInt(Layout.Exec.CRED + Layout.Cred.UID, 1000);
        b.putInt(Layout.Exec.CRED + Layout.Cred.EUID, 1000);
        b.putInt(Layout.Exec.CRED + Layout.Cred.GID, 1000);
        b.putInt(Layout.Exec.CRED + Layout.Cred.EGID, 1000);
        b.putInt(Layout.Exec.CRED + Layout.Cred.AUID, 1000);
        b.putInt(Layout.Exec.FLAGS, ExecFlags.EXECVE);
        b.putLong(Layout.Exec.CGROUP_ID, 4242L);
        b.putInt(Layout.Exec.BINARY_LEN, bin.length);
        b.putInt(Layout.Exec.ARGS_LEN, argv.length);
        b.putInt(Layout.Exec.CWD_LEN, wd.length);
        b.put(Layout.Exec.SIZEOF, bin);
        b.put(Layout.Exec.SIZEOF + bin.length, argv);
        b.put(Layout.Exec.SIZEOF + bin.length + argv.length, wd);
        return b.array();
    }

    private static byte[] exitRecord() {
        ByteBuffer b = ByteBuffer.allocate(Layout.Exit.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Layout.Common.OP, (byte) MsgOp.EXIT.code());
        b.putInt(Layout.Common.SIZE, Layout.Exit.SIZEOF);
        b.putInt(Layout.Exit.EXIT_CODE, 1 << 8); // exit status 1
        return b.array();
    }

    private static byte[] cloneRecord() {
        ByteBuffer b = ByteBuffer.allocate(Layout.Clone.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Layout.Common.OP, (byte) MsgOp.CLONE.code());
        b.putInt(Layout.Common.SIZE, Layout.Clone.SIZEOF);
        b.putInt(Layout.Clone.PARENT + Layout.ExecveKey.PID, SHELL.pid());
        b.putLong(Layout.Clone.PARENT + Layout.ExecveKey.KTIME, SHELL.ktime());
        b.putInt(Layout.Clone.FLAGS, ExecFlags.CLONE);
        return b.array();
    }

    /** A new process: fresh pid (reused after 30,000) and ktimes patched in, as the sensors would write them. */
    private void nextProcess(boolean withClone) {
        long i = seq++;
        int pid = PID_BASE + (int) (i % PIDS);
        long forkTime = SHELL.ktime() + 10 * i * NANOS_PER_PROCESS;
        long execTime = forkTime + 100_000;
        long exitTime = execTime + 300_000;
        if (withClone) {
            clone.putLong(Layout.Common.KTIME, forkTime);
            clone.putInt(Layout.Clone.PROCESS + Layout.ExecveKey.PID, pid);
            clone.putLong(Layout.Clone.PROCESS + Layout.ExecveKey.KTIME, forkTime);
            clone.putInt(Layout.Clone.TID, pid);
        }
        long key = execTime; // an exec is a new incarnation {pid, exec ktime}; the clone's entry is retired
        exec.putLong(Layout.Common.KTIME, execTime);
        exec.putInt(Layout.Exec.PROCESS + Layout.ExecveKey.PID, pid);
        exec.putLong(Layout.Exec.PROCESS + Layout.ExecveKey.KTIME, key);
        exec.putInt(Layout.Exec.TID, pid);
        exit.putLong(Layout.Common.KTIME, exitTime);
        exit.putInt(Layout.Exit.PROCESS + Layout.ExecveKey.PID, pid);
        exit.putLong(Layout.Exit.PROCESS + Layout.ExecveKey.KTIME, key);
        exit.putInt(Layout.Exit.TID, pid);
    }

    /** The EventProcessor's tick: every 100 ms (agent) or after every batch of 512 records (noretain). */
    private void maybeTick(Consumer<Event> out) {
        if ((seq & 511) != 0) {
            return; // the EventProcessor reads the clock once per batch of up to 512 records
        }
        long t = System.nanoTime();
        if (!retain) {
            now = t;
            enricher.tick(now, out);
        } else if (t - lastTick >= TICK_NANOS) {
            lastTick = t;
            enricher.tick(t, out);
        }
    }

    private static Msg decode(byte[] rec) {
        try {
            return MsgDecoder.decode(ByteBuffer.wrap(rec));
        } catch (MalformedRecordException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public void decode(Blackhole bh) {
        nextProcess(false);
        bh.consume(decode(execBytes));
        bh.consume(decode(exitBytes));
    }

    @Benchmark
    public void decodeEnrich(Blackhole bh) {
        nextProcess(false);
        Consumer<Event> out = bh::consume;
        enricher.onMsg(decode(execBytes), out);
        enricher.onMsg(decode(exitBytes), out);
        maybeTick(out);
    }

    @Benchmark
    public void decodeEnrichJson() {
        nextProcess(false);
        enricher.onMsg(decode(execBytes), toJson);
        enricher.onMsg(decode(exitBytes), toJson);
        maybeTick(toJson);
    }

    @Benchmark
    public void forkExecExitJson() {
        nextProcess(true);
        enricher.onMsg(decode(cloneBytes), toJson);
        enricher.onMsg(decode(execBytes), toJson);
        enricher.onMsg(decode(exitBytes), toJson);
        maybeTick(toJson);
    }

    /** JSON alone: the two events of the last process written again (no decode, no enrichment). */
    @Benchmark
    public void jsonOnly(JsonOnly s) throws IOException {
        writer.writeLine(gen, s.execEvent);
        writer.writeLine(gen, s.exitEvent);
    }

    /** The two events of one enriched process, for {@link #jsonOnly}. */
    @State(Scope.Thread)
    public static class JsonOnly {
        Event execEvent;
        Event exitEvent;

        @Setup(Level.Trial)
        public void setup(DecodeEnrichJsonBench b) {
            b.nextProcess(false);
            List<Event> x = b.enricher.onMsg(decode(b.execBytes));
            List<Event> y = b.enricher.onMsg(decode(b.exitBytes));
            if (x.size() != 1 || y.size() != 1) {
                throw new IllegalStateException("expected one exec and one exit event, got " + x + " " + y);
            }
            execEvent = x.get(0);
            exitEvent = y.get(0);
        }
    }

    /** Runs this class's benchmarks with any JMH options given. */
    public static void main(String[] args) throws Exception {
        String[] a = new String[args.length + 1];
        System.arraycopy(args, 0, a, 0, args.length);
        a[args.length] = DecodeEnrichJsonBench.class.getSimpleName();
        org.openjdk.jmh.Main.main(a);
    }
}

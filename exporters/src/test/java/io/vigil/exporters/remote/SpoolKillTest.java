package io.vigil.exporters.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real kill -9: another JVM spools events and is killed with SIGKILL mid-stream; this one replays. */
class SpoolKillTest {

    /** What the child reported before it was killed. */
    private record Killed(int accepted, int delivered) {
    }

    private static Killed runAndKill(Path dir, int queueCapacity) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SpoolCrashChild.class.getName(), dir.toString(), Integer.toString(queueCapacity))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int accepted = 0;
        boolean acked = false;
        int delivered = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
                if (line.startsWith("acked ")) {
                    acked = true;
                    delivered = Integer.parseInt(line.substring(6)); // whole batches: DELIVERED or a little more
                } else if (line.startsWith("accepted ")) {
                    accepted = Integer.parseInt(line.substring(9));
                }
                if (acked && accepted >= 8000) {
                    break;
                }
            }
            child.destroyForcibly(); // SIGKILL, while it is still accepting and spooling
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        assertTrue(acked && accepted >= 8000, "the child got going: acked=" + acked + " accepted=" + accepted);
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        assertTrue(delivered >= SpoolCrashChild.DELIVERED);
        return new Killed(accepted, delivered);
    }

    private static List<String> replay(DiskSpool spool) {
        FakeSender up = new FakeSender();
        SpoolingExporter e = new SpoolingExporter(new JsonRecordEncoder(), up, spool,
                new QueueOptions(10, 500, 1 << 20, Duration.ZERO, Duration.ZERO, Duration.ZERO), null, System::nanoTime);
        for (int i = 0; i < 100_000 && !e.isDrained(); i++) {
            e.runOnce(System.nanoTime());
        }
        e.close();
        return up.receivedIds();
    }

    private static List<String> ids(int from, int to) {
        JsonRecordEncoder enc = new JsonRecordEncoder();
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(enc.encode(SpoolCrashChild.event(i)).id());
        }
        return out;
    }

    @Test
    void afterSigkillEverySpooledUnacknowledgedRecordIsReplayedInOrder(@TempDir Path dir) throws Exception {
        Killed k = runAndKill(dir, 0);
        DiskSpool spool = DiskSpool.open(new SpoolOptions(dir, 1L << 30, 1 << 20, FsyncPolicy.never()));
        long replay = spool.recoveredRecords();
        int total = k.delivered() + (int) replay;
        assertTrue(total >= k.accepted(), "every event the child reported accepted is there: " + total + " >= "
                + k.accepted());
        assertEquals(ids(k.delivered(), total), replay(spool),
                "exactly the records after the " + k.delivered() + " acknowledged, in order, none twice");
    }

    @Test
    void withAMemoryQueueAKillDuringAnOutageLosesAtMostTheBatchInFlight(@TempDir Path dir) throws Exception {
        Killed k = runAndKill(dir, 8192);
        DiskSpool spool = DiskSpool.open(new SpoolOptions(dir, 1L << 30, 1 << 20, FsyncPolicy.never()));
        int replay = (int) spool.recoveredRecords();
        List<String> got = replay(spool);
        assertEquals(replay, got.size());
        // the spool starts after the batch being retried (and the record carried for the next batch),
        // which were memory; the queue was moved to the spool at the first failure
        for (int lostInFlight = 0; lostInFlight <= SpoolCrashChild.BATCH + 1; lostInFlight++) {
            int from = k.delivered() + lostInFlight;
            if (got.equals(ids(from, from + replay))) {
                assertTrue(from + replay >= k.accepted(), "every accepted record after the in-flight batch: "
                        + (from + replay) + " >= " + k.accepted());
                return;
            }
        }
        throw new AssertionError("the spool does not hold the records accepted after the batch in flight, in "
                + "order: " + replay + " records, " + k.delivered() + " delivered, " + k.accepted()
                + " accepted");
    }
}

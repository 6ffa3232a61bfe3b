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

    @Test
    void afterSigkillEverySpooledUnacknowledgedRecordIsReplayedInOrder(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SpoolCrashChild.class.getName(), dir.toString())
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

        DiskSpool spool = DiskSpool.open(new SpoolOptions(dir, 1L << 30, 1 << 20, FsyncPolicy.never()));
        long replay = spool.recoveredRecords();
        assertTrue(delivered >= SpoolCrashChild.DELIVERED);
        int total = delivered + (int) replay;
        assertTrue(total >= accepted, "every event the child reported accepted is there: " + total + " >= " + accepted);
        FakeSender up = new FakeSender();
        SpoolingExporter e = new SpoolingExporter(new JsonRecordEncoder(), up, spool,
                new QueueOptions(10, 500, 1 << 20, Duration.ZERO, Duration.ZERO, Duration.ZERO), null, System::nanoTime);
        for (int i = 0; i < 100_000 && !e.isDrained(); i++) {
            e.runOnce(System.nanoTime());
        }
        JsonRecordEncoder enc = new JsonRecordEncoder();
        List<String> expected = new ArrayList<>();
        for (int i = delivered; i < total; i++) {
            expected.add(enc.encode(SpoolCrashChild.event(i)).id());
        }
        assertEquals(expected, up.receivedIds(),
                "exactly the records after the " + delivered + " acknowledged, in order, none twice");
        e.close();
    }
}

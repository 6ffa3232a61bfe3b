package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FAN_OPEN observation: opens under a marked directory are reported, others not; a full queue is counted. */
@Tag("kernel")
class OpenWatcherKernelTest {
    @TempDir
    Path tmp;

    @Test
    void reportsOpensOfTheMarkedDirectoryOnlyWithTheOpener() throws Exception {
        KernelFixture.assumeRoot();
        Path dir = Files.createDirectories(tmp.resolve("marked")).toRealPath();
        Path f = Files.writeString(dir.resolve("f"), "x");
        Path other = Files.writeString(tmp.resolve("g"), "x");
        List<OpenedFile> seen = new CopyOnWriteArrayList<>();
        try (OpenWatcher w = OpenWatcher.start(seen::add, () -> { })) {
            w.watch(MarkTarget.DIRECTORY, dir);
            Process p = new ProcessBuilder("/bin/cat", f.toString(), other.toString()).start();
            assertEquals(0, p.waitFor());
            long end = System.nanoTime() + 5_000_000_000L;
            while (seen.stream().noneMatch(o -> o.pid() == p.pid()) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            List<OpenedFile> mine = seen.stream().filter(o -> o.pid() == p.pid()).toList();
            assertEquals(1, mine.size(), "one open of the marked directory's file: " + seen);
            assertEquals(f.toString(), mine.get(0).path());
            assertEquals(0, w.overflows());
        }
    }

    @Test
    void aFullQueueIsCountedAsOverflow() throws Exception {
        KernelFixture.assumeRoot();
        Path dir = Files.createDirectories(tmp.resolve("marked")).toRealPath();
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong overflowed = new AtomicLong();
        try (OpenWatcher w = OpenWatcher.start(o -> {
            try {
                release.await();   // a stuck reader: the kernel's queue fills behind it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, overflowed::incrementAndGet)) {
            w.watch(MarkTarget.DIRECTORY, dir);
            // 20,000 different files: the kernel merges repeated opens of one file by one process into one event
            Process p = new ProcessBuilder("python3", "-c",
                    "import sys\nfor i in range(20000):\n    open(sys.argv[1] + '/f%d' % i, 'w').close()", dir.toString()).start();
            assertEquals(0, p.waitFor());
            release.countDown();
            long end = System.nanoTime() + 10_000_000_000L;
            // the counter moves first, then the callback runs on the reader thread: wait for both
            while ((w.overflows() == 0 || overflowed.get() < w.overflows()) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(w.overflows() >= 1, "20,000 opens behind a stuck reader overflow the 16,384-event queue");
            assertEquals(w.overflows(), overflowed.get(), "each overflow reaches the callback once");
        }
    }
}

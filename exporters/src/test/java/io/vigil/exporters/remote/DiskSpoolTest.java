package io.vigil.exporters.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {
    @TempDir
    Path dir;

    private SpoolOptions options(long maxBytes, long segmentBytes) {
        return new SpoolOptions(dir, maxBytes, segmentBytes, FsyncPolicy.never());
    }

    static Record rec(int i) {
        return new Record("id-" + i, "key-" + (i % 3), ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 50) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static List<Record> drain(DiskSpool s) throws IOException {
        List<Record> out = new ArrayList<>();
        for (DiskSpool.Spooled r; (r = s.poll()) != null; ) {
            out.add(r.record());
        }
        return out;
    }

    private static void assertRecords(List<Integer> expected, List<Record> got) {
        assertEquals(expected.size(), got.size(), "record count");
        for (int i = 0; i < expected.size(); i++) {
            Record want = rec(expected.get(i));
            assertEquals(want.id(), got.get(i).id(), "record " + i);
            assertEquals(want.key(), got.get(i).key());
            assertArrayEquals(want.payload(), got.get(i).payload());
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void recordsComeBackInOrderWithIdKeyAndPayload() throws IOException {
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 4096))) {
            for (int i = 0; i < 200; i++) {
                assertTrue(s.append(rec(i)));
            }
            assertTrue(s.hasUnread());
            assertRecords(java.util.stream.IntStream.range(0, 200).boxed().toList(), drain(s));
            assertFalse(s.hasUnread());
            assertTrue(s.segmentCount() > 1, "4 KiB segments rolled");
        }
    }

    @Test
    void afterACrashEveryUnacknowledgedRecordIsReplayedInOrder() throws IOException {
        DiskSpool first = DiskSpool.open(options(1 << 20, 4096));
        for (int i = 0; i < 100; i++) {
            first.append(rec(i));
        }
        long ackAt = -1;
        for (int i = 0; i < 60; i++) {
            DiskSpool.Spooled r = first.poll();
            if (i == 39) {
                ackAt = r.endOffset();
            }
        }
        first.acknowledge(ackAt); // 0..39 delivered; 40..59 read but not acknowledged
        // kill -9: the first spool is never closed; a new process opens the directory
        try (DiskSpool second = DiskSpool.open(options(1 << 20, 4096))) {
            assertEquals(60, second.recoveredRecords());
            assertRecords(java.util.stream.IntStream.range(40, 100).boxed().toList(), drain(second));
            assertEquals(0, second.truncations());
        }
    }

    @Test
    void fullyAcknowledgedSegmentsAreDeletedAndSpaceIsReused() throws IOException {
        try (DiskSpool s = DiskSpool.open(options(16 * 1024, 4096))) {
            int appended = 0;
            while (s.append(rec(appended))) {
                appended++;
            }
            assertTrue(s.usedBytes() <= 16 * 1024, "never over maxBytes: " + s.usedBytes());
            assertEquals(1, s.refused());
            int segmentsWhenFull = segments().size();
            assertTrue(segmentsWhenFull >= 4, segmentsWhenFull + " segments");
            DiskSpool.Spooled last = null;
            for (DiskSpool.Spooled r; (r = s.poll()) != null; ) {
                last = r;
            }
            s.acknowledge(last.endOffset());
            assertTrue(segments().size() <= 1, "only the segment being written may remain: " + segments());
            assertEquals(0, s.unacknowledgedBytes());
            assertTrue(s.append(rec(1)), "room again");
            assertTrue(s.usedBytes() < 200, "the acknowledged active segment was dropped on the next append: "
                    + s.usedBytes());
            assertRecords(List.of(1), drain(s));
        }
    }

    @Test
    void aTornTailIsDetectedTruncatedAndCounted() throws IOException {
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 1 << 16))) {
            for (int i = 0; i < 10; i++) {
                s.append(rec(i));
            }
        }
        Path seg = segments().get(0);
        long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5); // the last write was cut short by the crash
        }
        long lastFrame = DiskSpool.HEADER + 8 + rec(9).id().length() + rec(9).key().length() + rec(9).payload().length;
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 1 << 16))) {
            assertEquals(1, s.truncations());
            assertEquals(lastFrame - 5, s.truncatedBytes());
            assertEquals(9, s.recoveredRecords());
            assertEquals(size - lastFrame, Files.size(seg), "the half record is cut from the file");
            s.append(rec(10)); // appends continue after the cut
            assertRecords(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 10), drain(s));
        }
    }

    @Test
    void aCorruptedByteIsCaughtByTheCrcAndTheSegmentCutThere() throws IOException {
        List<Long> ends = new ArrayList<>();
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 1 << 16))) {
            for (int i = 0; i < 10; i++) {
                s.append(rec(i));
            }
            for (DiskSpool.Spooled r; (r = s.poll()) != null; ) {
                ends.add(r.endOffset());
            }
        }
        Path seg = segments().get(0);
        long inRecord6 = ends.get(5) + DiskSpool.HEADER + 12; // a byte inside record 6's body
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, inRecord6);
            b.flip();
            byte flipped = (byte) (b.get() ^ 0x40);
            ch.write(ByteBuffer.wrap(new byte[] {flipped}), inRecord6);
        }
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 1 << 16))) {
            assertEquals(1, s.truncations());
            assertEquals(ends.get(9) - ends.get(5), s.truncatedBytes(), "records 6..9 cut");
            assertRecords(List.of(0, 1, 2, 3, 4, 5), drain(s));
        }
    }

    @Test
    void anUnreadableCursorReplaysEverythingRatherThanLosingAnything() throws IOException {
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 1 << 16))) {
            for (int i = 0; i < 5; i++) {
                s.append(rec(i));
            }
            s.poll();
            s.acknowledge(s.poll().endOffset());
        }
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 1 << 16))) {
            assertRecords(List.of(2, 3, 4), drain(s));
        }
        Files.write(dir.resolve("cursor"), new byte[] {1, 2, 3});
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 1 << 16))) {
            assertEquals(1, s.cursorResets());
            assertRecords(List.of(0, 1, 2, 3, 4), drain(s));
        }
    }

    @Test
    void offsetsKeepGrowingAcrossRestartsWithAnEmptySpool() throws IOException {
        long end;
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 4096))) {
            s.append(rec(1));
            end = s.poll().endOffset();
            s.acknowledge(end);
        }
        try (DiskSpool s = DiskSpool.open(options(1 << 20, 4096))) {
            assertEquals(0, s.recoveredRecords());
            assertEquals(0, s.segmentCount(), "the acknowledged segment is gone");
            assertEquals(end, s.writeOffset(), "a new segment starts where the old data ended");
            s.append(rec(2));
            assertRecords(List.of(2), drain(s));
        }
    }

    @Test
    void everyAppendPolicyAndIntervalSyncWork() throws IOException {
        long[] now = {0};
        SpoolOptions o = options(1 << 20, 4096).withFsync(FsyncPolicy.interval(java.time.Duration.ofSeconds(1)));
        try (DiskSpool s = DiskSpool.open(o, () -> now[0])) {
            s.append(rec(1));
            now[0] = 999_000_000L;
            s.syncIfDue(now[0]); // not yet due
            now[0] = 1_000_000_000L;
            s.syncIfDue(now[0]);
            assertRecords(List.of(1), drain(s));
        }
        try (DiskSpool s = DiskSpool.open(o.withFsync(FsyncPolicy.everyAppend()))) {
            assertTrue(s.append(rec(3)));
            assertRecords(List.of(1, 3), drain(s));
        }
        assertEquals(FsyncPolicy.everyAppend(), FsyncPolicy.parse("always"));
        assertEquals(FsyncPolicy.interval(java.time.Duration.ofMillis(250)), FsyncPolicy.parse("250ms"));
    }
}

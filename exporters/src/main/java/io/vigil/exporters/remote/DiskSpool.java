package io.vigil.exporters.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A disk queue of {@link Record}s that survives {@code kill -9}: append-only segment files, a persisted
 * read cursor, replay in order of everything not acknowledged.
 *
 * <h2>Layout</h2>
 * The directory holds segment files named by the logical offset of their first byte,
 * {@code 00000000000000004096.seg} (offsets grow across segments and restarts, like Kafka's), and
 * {@code cursor}, the acknowledged offset. Each record in a segment is framed as
 * <pre>
 *   int32 length      bytes of the body (big-endian)
 *   int32 crc32       CRC-32 of the body
 *   body:  int32 idLength, id (UTF-8), int32 keyLength, key (UTF-8), payload (the rest)
 * </pre>
 * {@code cursor} is 12 bytes: int64 offset, int32 CRC-32 of those 8 bytes; it is replaced by a
 * rename, so it is either the old or the new value.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every record appended and not acknowledged is returned again, in append order, by a spool
 *       opened over the same directory after a crash: appends are {@code write(2)}s with no buffer
 *       in the JVM, so a killed process loses nothing it appended.</li>
 *   <li>What a power cut may take is set by the {@link FsyncPolicy} (see there): by default up to
 *       one second of appends.</li>
 *   <li>A torn or corrupted record (a crash in the middle of a write, a bad sector) is found by its
 *       length or CRC on open; the segment is truncated there, and the bytes cut are counted in
 *       {@link #truncatedBytes()} / {@link #truncations()}. Records after a corruption in the same
 *       segment are lost with it (they cannot be framed reliably).</li>
 *   <li>A record acknowledged may still be replayed once if the crash came before the cursor's rename
 *       reached the disk: delivery is at-least-once, and record ids are deterministic so the receiver
 *       deduplicates.</li>
 *   <li>The segment files never hold more than {@link SpoolOptions#maxBytes()}: an append that does not
 *       fit is refused ({@code false}), and a segment is deleted once fully acknowledged.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * One thread appends (the exporter's caller), one other reads and acknowledges (its sender thread);
 * the methods are synchronized, and the forced flush of {@link #syncIfDue} runs outside the lock so
 * that it never holds up an append.
 */
public final class DiskSpool implements AutoCloseable {
    static final int HEADER = 8;
    /** Longest body accepted; a larger length on disk is corruption. */
    static final int MAX_BODY = 64 << 20;
    private static final Pattern SEGMENT = Pattern.compile("(\\d{20})\\.seg");
    private static final String CURSOR = "cursor";

    /** One record read back, and the offset just past it: what to acknowledge once it is delivered. */
    public record Spooled(Record record, long endOffset) {
    }

    private static final class Segment {
        final long base;
        final Path path;
        final FileChannel channel;
        long size;

        Segment(long base, Path path, FileChannel channel, long size) {
            this.base = base;
            this.path = path;
            this.channel = channel;
            this.size = size;
        }

        long end() {
            return base + size;
        }
    }

    private final SpoolOptions options;
    private final LongSupplier nanoClock;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Path cursorPath;
    private final Path cursorTmp;
    private final CRC32 crc = new CRC32();
    private Segment active;
    private volatile long writeOffset;
    private volatile long readOffset;
    private long ackOffset;
    private long totalBytes;
    private long firstUnsyncedNanos;
    private boolean unsynced;
    private boolean closed;
    private long recoveryCursor;
    // what recovery found, and what happened since
    private long truncatedBytes;
    private int truncations;
    private int cursorResets;
    private long recoveredRecords;
    private long appended;
    private long refused;
    private long segmentsDeleted;
    private long corruptOnRead;

    private DiskSpool(SpoolOptions options, LongSupplier nanoClock) {
        this.options = options;
        this.nanoClock = nanoClock;
        this.cursorPath = options.directory().resolve(CURSOR);
        this.cursorTmp = options.directory().resolve(CURSOR + ".tmp");
    }

    /** Opens (or creates) the spool in {@code options.directory()}, recovering what a crash left. */
    public static DiskSpool open(SpoolOptions options, LongSupplier nanoClock) throws IOException {
        DiskSpool s = new DiskSpool(options, nanoClock);
        try {
            s.recover();
        } catch (IOException | RuntimeException e) {
            s.closeChannels();
            throw e;
        }
        return s;
    }

    public static DiskSpool open(SpoolOptions options) throws IOException {
        return open(options, System::nanoTime);
    }

    // ------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        Path dir = options.directory();
        Files.createDirectories(dir);
        Files.deleteIfExists(cursorTmp);
        List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.seg")) {
            for (Path p : ds) {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    bases.add(Long.parseLong(m.group(1)));
                }
            }
        }
        bases.sort(null);
        recoveryCursor = readCursor();
        long lastEnd = -1;
        for (long base : bases) {
            if (base < lastEnd) { // overlaps the previous segment: cannot be ours, keep it out of the way
                Path p = segmentPath(base);
                Files.move(p, p.resolveSibling(p.getFileName() + ".overlap"), StandardCopyOption.REPLACE_EXISTING);
                truncations++;
                continue;
            }
            Segment seg = openSegment(base);
            long valid = scan(seg);
            if (valid < seg.size) {
                truncatedBytes += seg.size - valid;
                truncations++;
                seg.channel.truncate(valid);
                seg.channel.force(true);
                seg.size = valid;
            }
            segments.put(base, seg);
            totalBytes += seg.size;
            lastEnd = seg.end();
        }
        long cursor = recoveryCursor;
        if (segments.isEmpty()) {
            writeOffset = Math.max(cursor, 0);
            ackOffset = writeOffset;
        } else {
            long first = segments.firstKey();
            writeOffset = segments.lastEntry().getValue().end();
            if (cursor < first) {
                cursor = first; // the segments before were acknowledged and deleted
            }
            if (cursor > writeOffset) {
                cursorResets++; // the cursor ran ahead of the data (a power cut took appended data): nothing to replay
                cursor = writeOffset;
            }
            ackOffset = cursor;
        }
        readOffset = ackOffset;
        active = segments.isEmpty() ? null : segments.lastEntry().getValue();
        deleteAcknowledgedSegments(true);
        writeCursor(ackOffset);
    }

    /**
     * Checks the frames of one segment; returns the length of its valid prefix. Moves
     * {@link #recoveryCursor} back to a frame boundary if it points inside a frame, and counts the
     * records at or past it.
     */
    private long scan(Segment seg) throws IOException {
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (pos + HEADER <= seg.size) {
            header.clear();
            readFully(seg.channel, header, pos);
            header.flip();
            int len = header.getInt();
            int sum = header.getInt();
            if (len < 8 || len > MAX_BODY || pos + HEADER + len > seg.size) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            readFully(seg.channel, body, pos + HEADER);
            if (crc(body.array(), len) != sum || !wellFormed(body.array())) {
                break;
            }
            long start = seg.base + pos;
            long end = start + HEADER + len;
            if (start < recoveryCursor && recoveryCursor < end) {
                cursorResets++; // a cursor inside a frame: replay that frame
                recoveryCursor = start;
            }
            if (start >= recoveryCursor) {
                recoveredRecords++;
            }
            pos += HEADER + len;
        }
        return pos;
    }

    private long readCursor() throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(cursorPath);
        } catch (NoSuchFileException e) {
            return Long.MIN_VALUE;
        }
        if (b.length != 12) {
            cursorResets++;
            return Long.MIN_VALUE; // unreadable: replay everything (at-least-once)
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        long offset = bb.getLong();
        int sum = bb.getInt();
        if (crc(b, 8) != sum || offset < 0) {
            cursorResets++;
            return Long.MIN_VALUE;
        }
        return offset;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Appends one record; {@code false} when it does not fit under {@link SpoolOptions#maxBytes()}
     * (the caller counts the loss). Forces it to disk first under {@link FsyncPolicy.Mode#EVERY_APPEND}.
     */
    public synchronized boolean append(Record r) throws IOException {
        ensureOpen();
        byte[] id = r.id().getBytes(StandardCharsets.UTF_8);
        byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
        int bodyLen = 8 + id.length + key.length + r.payload().length;
        if (bodyLen > MAX_BODY) {
            refused++;
            return false;
        }
        int frameLen = HEADER + bodyLen;
        reclaimIfAllAcknowledged();
        if (totalBytes + frameLen > options.maxBytes()) {
            refused++;
            return false;
        }
        if (active == null || active.size >= options.segmentBytes()) {
            roll();
        }
        ByteBuffer frame = ByteBuffer.allocate(frameLen);
        frame.putInt(bodyLen).putInt(0);
        frame.putInt(id.length).put(id).putInt(key.length).put(key).put(r.payload());
        frame.putInt(4, crc(frame.array(), HEADER, bodyLen));
        frame.flip();
        long at = active.size;
        try {
            while (frame.hasRemaining()) {
                at += active.channel.write(frame, at);
            }
        } catch (IOException e) {
            try {
                active.channel.truncate(active.size); // no half frame left behind (ENOSPC)
            } catch (IOException ignored) {
                // recovery will cut it by its CRC
            }
            throw e;
        }
        active.size += frameLen;
        totalBytes += frameLen;
        writeOffset = active.end();
        appended++;
        if (options.fsync().mode() == FsyncPolicy.Mode.EVERY_APPEND) {
            active.channel.force(false);
        } else if (!unsynced) {
            unsynced = true;
            firstUnsyncedNanos = nanoClock.getAsLong();
        }
        return true;
    }

    /** Everything delivered and the segment being written holds only acknowledged data: start afresh. */
    private void reclaimIfAllAcknowledged() throws IOException {
        if (active != null && active.size > 0 && ackOffset == writeOffset && readOffset == writeOffset) {
            roll();
            deleteAcknowledgedSegments(false);
        }
    }

    private void roll() throws IOException {
        long base = writeOffset;
        Segment seg = new Segment(base, segmentPath(base), FileChannel.open(segmentPath(base),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE), 0);
        if (active != null && unsynced && options.fsync().mode() != FsyncPolicy.Mode.NEVER) {
            active.channel.force(false);
            unsynced = false;
        }
        segments.put(base, seg);
        active = seg;
        forceDirectory();
    }

    // ------------------------------------------------------------------ reading

    /** True when a record was appended that {@link #poll()} has not returned yet. Lock-free. */
    public boolean hasUnread() {
        return readOffset != writeOffset;
    }

    /** The next record not yet read, or null; the read position is in memory only (see {@link #acknowledge}). */
    public synchronized Spooled poll() throws IOException {
        ensureOpen();
        while (readOffset < writeOffset) {
            Map.Entry<Long, Segment> e = segments.floorEntry(readOffset);
            if (e == null) {
                Long next = segments.ceilingKey(readOffset);
                readOffset = next == null ? writeOffset : next;
                continue;
            }
            Segment seg = e.getValue();
            if (readOffset >= seg.end()) {
                Long next = segments.higherKey(seg.base);
                readOffset = next == null ? writeOffset : next;
                continue;
            }
            long pos = readOffset - seg.base;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            readFully(seg.channel, header, pos);
            header.flip();
            int len = header.getInt();
            int sum = header.getInt();
            if (len < 8 || len > MAX_BODY || pos + HEADER + len > seg.size) {
                skipCorrupt(seg);
                continue;
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            readFully(seg.channel, body, pos + HEADER);
            if (crc(body.array(), len) != sum || !wellFormed(body.array())) {
                skipCorrupt(seg);
                continue;
            }
            readOffset += HEADER + len;
            return new Spooled(decode(body.array()), readOffset);
        }
        return null;
    }

    /** Data changed on disk under us since it was written (checked at open): the rest of the segment is lost. */
    private void skipCorrupt(Segment seg) {
        corruptOnRead++;
        truncatedBytes += seg.end() - readOffset;
        readOffset = seg.end();
    }

    /** Goes back to the acknowledged offset: records read and not acknowledged are returned again. */
    public synchronized void rewind() {
        readOffset = ackOffset;
    }

    /**
     * Everything before {@code offset} (an {@link Spooled#endOffset()}) is delivered: the cursor is
     * persisted and the segments wholly before it are deleted.
     */
    public synchronized void acknowledge(long offset) throws IOException {
        ensureOpen();
        if (offset <= ackOffset) {
            return;
        }
        if (offset > readOffset) {
            throw new IllegalArgumentException("acknowledging " + offset + " past the records read (" + readOffset + ")");
        }
        ackOffset = offset;
        writeCursor(offset);
        deleteAcknowledgedSegments(false);
    }

    private void deleteAcknowledgedSegments(boolean includingActive) throws IOException {
        while (!segments.isEmpty()) {
            Segment first = segments.firstEntry().getValue();
            if (first.end() > ackOffset || (first == active && !includingActive)) {
                return;
            }
            segments.pollFirstEntry();
            if (first == active) {
                active = null;
            }
            first.channel.close();
            Files.deleteIfExists(first.path);
            totalBytes -= first.size;
            segmentsDeleted++;
        }
    }

    private void writeCursor(long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putLong(offset);
        b.putInt(crc(b.array(), 8));
        Files.write(cursorTmp, b.array());
        try {
            Files.move(cursorTmp, cursorPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(cursorTmp, cursorPath, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ------------------------------------------------------------------ syncing

    /**
     * Under {@link FsyncPolicy.Mode#INTERVAL}, forces the data appended at least one interval ago.
     * Called by the sender thread; the force itself runs outside the lock.
     */
    public void syncIfDue(long nowNanos) throws IOException {
        FileChannel ch;
        synchronized (this) {
            if (closed || !unsynced || options.fsync().mode() != FsyncPolicy.Mode.INTERVAL
                    || nowNanos - firstUnsyncedNanos < options.fsync().interval().toNanos()) {
                return;
            }
            ch = takeUnsynced();
        }
        force(ch);
    }

    /** Forces everything appended so far, whatever the policy (flush, close). */
    public void sync() throws IOException {
        FileChannel ch;
        synchronized (this) {
            if (closed || !unsynced) {
                return;
            }
            ch = takeUnsynced();
        }
        force(ch);
    }

    private FileChannel takeUnsynced() {
        unsynced = false;
        return active == null ? null : active.channel; // earlier segments were forced when they were rolled
    }

    private static void force(FileChannel ch) throws IOException {
        if (ch == null) {
            return;
        }
        try {
            ch.force(false);
        } catch (ClosedChannelException e) {
            // the segment was acknowledged and deleted meanwhile: nothing left to force
        }
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(options.directory(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot: the new file's name then reaches the disk with the next journal commit
        }
    }

    // ------------------------------------------------------------------ state

    /** Bytes the segment files hold (acknowledged records of a segment still in use included). */
    public synchronized long usedBytes() {
        return totalBytes;
    }

    /** Bytes appended and not acknowledged. */
    public synchronized long unacknowledgedBytes() {
        return writeOffset - ackOffset;
    }

    public synchronized long acknowledgedOffset() {
        return ackOffset;
    }

    public long writeOffset() {
        return writeOffset;
    }

    public synchronized int segmentCount() {
        return segments.size();
    }

    /** Bytes cut at open (torn or corrupted tails) or skipped on read because the data changed. */
    public synchronized long truncatedBytes() {
        return truncatedBytes;
    }

    /** Segments whose tail was cut at open. */
    public synchronized int truncations() {
        return truncations;
    }

    /** Times the cursor file was unreadable or pointed past the data or inside a record. */
    public synchronized int cursorResets() {
        return cursorResets;
    }

    /** Records found unacknowledged at open: what this spool replays. */
    public synchronized long recoveredRecords() {
        return recoveredRecords;
    }

    public synchronized long appended() {
        return appended;
    }

    /** Appends refused because the spool was full. */
    public synchronized long refused() {
        return refused;
    }

    public synchronized long segmentsDeleted() {
        return segmentsDeleted;
    }

    public SpoolOptions options() {
        return options;
    }

    public Path directory() {
        return options.directory();
    }

    /** Forces the segment being written (whatever the policy: a clean shutdown loses nothing) and closes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (unsynced && active != null) {
                active.channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing the spool in " + options.directory() + ": " + e.getMessage(), e);
        } finally {
            closed = true;
            closeChannels();
        }
    }

    private void closeChannels() {
        for (Segment s : segments.values()) {
            try {
                s.channel.close();
            } catch (IOException ignored) {
                // read-only use from here on: nothing to lose
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the spool in " + options.directory() + " is closed");
        }
    }

    // ------------------------------------------------------------------ encoding

    private Segment openSegment(long base) throws IOException {
        Path p = segmentPath(base);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(base, p, ch, ch.size());
    }

    private Path segmentPath(long base) {
        return options.directory().resolve(String.format("%020d.seg", base));
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("unexpected end of spool segment at " + pos);
            }
            pos += n;
        }
    }

    private int crc(byte[] b, int len) {
        return crc(b, 0, len);
    }

    private int crc(byte[] b, int off, int len) {
        crc.reset();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }

    /** The two length fields inside the body fit in it. */
    private static boolean wellFormed(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        int idLen = b.getInt();
        if (idLen < 0 || idLen > body.length - 8) {
            return false;
        }
        b.position(4 + idLen);
        int keyLen = b.getInt();
        return keyLen >= 0 && keyLen <= body.length - 8 - idLen;
    }

    private static Record decode(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        int idLen = b.getInt();
        String id = new String(body, 4, idLen, StandardCharsets.UTF_8);
        b.position(4 + idLen);
        int keyLen = b.getInt();
        String key = new String(body, 8 + idLen, keyLen, StandardCharsets.UTF_8);
        int payloadAt = 8 + idLen + keyLen;
        byte[] payload = java.util.Arrays.copyOfRange(body, payloadAt, body.length);
        return new Record(id, key, payload);
    }
}

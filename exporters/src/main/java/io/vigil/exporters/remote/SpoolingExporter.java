package io.vigil.exporters.remote;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.ExportLoss;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * An {@link EventSink} for a remote receiver that never blocks the pipeline and never loses an event
 * silently.
 *
 * <pre>
 *  accept(event) ── encode once (id fixed) ──▶ bounded queue ──┐
 *                        │ queue full, spool not drained,   │   ├─▶ sender thread: batch ─▶ RecordSender
 *                        │ or receiver down                 ▼   │        (RetryingSender)   (syslog, Kafka)
 *                        └──────────────────▶ DiskSpool ────────┘
 *                                 │ spool full too      (the queue moves there first)
 *                                 └──▶ lost: counted, and reported to the {@link Listener}
 * </pre>
 * A loss is also what {@link LossAlarm} turns into {@code export_loss} alert events for the agent's
 * other outputs: the caller only bumps a counter, so the alert never makes it wait.
 *
 * <h2>Order</h2>
 * Records are delivered in the order accepted. The caller puts a record in the queue only while the
 * spool holds nothing unread and the receiver is not down. A record that goes to the spool instead
 * (queue full, or receiver down) first moves the whole queue there, in order; the following records go
 * to the spool too until the sender has read it all. So the queue holds records only while the spool
 * has nothing unread, the batch being sent is older than the queue, the queue older than the spool,
 * and the sender takes from the queue first, then from the spool. A spool left by a previous run is
 * replayed first: its records are older than anything accepted since.
 *
 * <h2>Delivery</h2>
 * A batch (see {@link Batch}: max records, max bytes, linger) is sent until the sender accepts it;
 * spooled records are acknowledged only then. A Retriable failure that outlasts the sender's own
 * retries keeps the batch, and it is sent again after {@link QueueOptions#retryPause()}. A Fatal one
 * is the sender's to dead-letter ({@link RetryingSender}); an undecorated sender's Fatal is counted
 * here as dead-lettered, reported, and the batch dropped.
 *
 * <h2>Receiver down</h2>
 * The receiver is down from its first failed attempt (the {@link RetryingSender} tells its listener
 * while it backs off, see {@link #open}) until it answers a batch. Meanwhile every accepted record is
 * spooled, after the queue. What a {@code kill -9} during an outage can lose is what is in memory: the
 * batch being retried (at most {@link QueueOptions#maxBatchRecords()} records) and the one record read
 * for the next batch that did not fit (the carry): at most {@code maxBatchRecords + 1} records. The
 * queue is moved on the pipeline's thread, by the next {@link #accept} or {@link #flush} after the first
 * failed attempt; until then it is memory too. Spooled records are replayed
 * after a restart ({@link FsyncPolicy} decides what an OS crash can take from them). While the receiver
 * is up, records in the queue are memory too; a queue capacity of 0 spools everything. On
 * {@link #close()}, what could not be delivered within the close timeout is spooled (after what the
 * spool already holds: the one case where order across a restart is not kept).
 *
 * <h2>Threads</h2>
 * {@link #accept}, {@link #flush} and {@link #close} from the pipeline's thread, as every EventSink;
 * one sender thread of its own (from {@link #start}), which calls the listener. {@link #runOnce} is
 * that thread's single step, which tests drive with their own clock.
 */
public final class SpoolingExporter implements EventSink, LossAlarm.Source {

    /**
     * Turns losses and failures into what the agent reports (an event, a log line, a metric). Extends
     * the retrying decorator's listener, so that one object hears everything ({@link #open} wires it).
     * Called on the sender thread.
     */
    public interface Listener extends RetryingSender.Listener {
        /** Records lost since the last call (queue and spool full, or the spool failing), and the total. */
        default void lost(long records, long total, String reason) {
        }

        /** The spool left by a previous run was opened: records to replay, and what a torn tail cost. */
        default void spoolRecovered(long replay, long truncatedBytes, int truncations) {
        }

        /** The receiver failed a batch; it is kept and sent again. */
        default void sendFailed(String sender, SendException.Retriable cause) {
        }

        /** The receiver refused a batch for good; its records were dropped (or dead-lettered by the sender). */
        default void refused(String sender, int records, SendException.Fatal cause) {
        }

        Listener NONE = new Listener() {
        };
    }

    /**
     * Counters, read at any time. {@code movedToSpool} counts queued records moved to the spool (the
     * receiver down, the queue full, or at close; each also counted in {@code spooled} or {@code lost}),
     * so {@code accepted = queued - movedToSpool + spooled + lost}.
     */
    public record Stats(long accepted, long queued, long spooled, long sent, long lost, long refused,
                        long sendFailures, long encodeFailures, long replayed, long spoolTruncatedBytes,
                        long movedToSpool) {
    }

    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int SPOOL_ONLY = 0;

    private final RecordEncoder encoder;
    private final RecordSender sender;
    private final DiskSpool spool; // null: memory only, an overflow is a loss
    private final QueueOptions options;
    private final Listener listener;
    private final LongSupplier nanoClock;
    private final ArrayBlockingQueue<Record> queue; // null when queueCapacity is 0
    private final ReceiverState receiver;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder queued = new LongAdder();
    private final LongAdder spooled = new LongAdder();
    private final LongAdder movedToSpool = new LongAdder();
    private final LongAdder encodeFailures = new LongAdder();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final long replayed;
    private volatile String lastLossReason = "";
    private volatile ExportLoss.Reason lastLossCode = ExportLoss.Reason.QUEUE_FULL;
    private long lostReported;
    private boolean recoveryReported;
    // sender-thread state
    private Batch batch;
    private Record carry;
    private long carrySpoolEnd = -1;
    private long retryAtNanos = Long.MIN_VALUE;
    private volatile boolean flushRequested;
    private volatile boolean closing;
    private volatile boolean waiting;
    private volatile Thread thread;
    private boolean closed;
    private final Object sendLock = new Object();
    private boolean inSend; // guarded by sendLock

    /**
     * An exporter without a sender thread: {@link #runOnce} must be called. For tests; the agent uses
     * {@link #start}.
     *
     * @param spool the overflow and replay store, or null to keep records in memory only
     */
    SpoolingExporter(RecordEncoder encoder, RecordSender sender, DiskSpool spool, QueueOptions options,
                     Listener listener, LongSupplier nanoClock) {
        this(encoder, sender, spool, options, listener, nanoClock, new ReceiverState());
    }

    /**
     * @param receiver shared with the {@link RetryingSender} inside {@code sender} (its listener wrapped by
     *                 {@link ReceiverState#watching}), so a failed attempt is known before the retries end
     */
    SpoolingExporter(RecordEncoder encoder, RecordSender sender, DiskSpool spool, QueueOptions options,
                     Listener listener, LongSupplier nanoClock, ReceiverState receiver) {
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.spool = spool;
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNullElse(listener, Listener.NONE);
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.queue = options.queueCapacity() == SPOOL_ONLY ? null : new ArrayBlockingQueue<>(options.queueCapacity());
        if (queue == null && spool == null) {
            throw new IllegalArgumentException("a queue capacity of 0 needs a spool");
        }
        this.replayed = spool == null ? 0 : spool.recoveredRecords();
        this.batch = newBatch();
    }

    /**
     * Starts the exporter and its sender thread ({@code vigil-export-<sender name>}). The sender should
     * be a {@link RetryingSender}; the spool (may be null) is replayed first, and closed with the exporter.
     */
    public static SpoolingExporter start(RecordEncoder encoder, RecordSender sender, DiskSpool spool,
                                         QueueOptions options, Listener listener) {
        return start(encoder, sender, spool, options, listener, new ReceiverState());
    }

    private static SpoolingExporter start(RecordEncoder encoder, RecordSender sender, DiskSpool spool,
                                          QueueOptions options, Listener listener, ReceiverState receiver) {
        SpoolingExporter e = new SpoolingExporter(encoder, sender, spool, options, listener, System::nanoTime,
                receiver);
        Thread t = new Thread(e::loop, "vigil-export-" + sender.name());
        t.setDaemon(true);
        e.thread = t;
        t.start();
        return e;
    }

    /**
     * What the CLI calls: opens (and recovers) the spool, wraps {@code sender} in a {@link RetryingSender}
     * with {@code backoff} and {@code deadLetters}, and starts the exporter.
     *
     * @param spool the spool's options, or null to keep records in memory only (an overflow is then a loss)
     */
    public static SpoolingExporter open(RecordEncoder encoder, RecordSender sender, SpoolOptions spool,
                                        QueueOptions options, Backoff backoff, DeadLetters deadLetters,
                                        Listener listener) throws IOException {
        Listener l = Objects.requireNonNullElse(listener, Listener.NONE);
        DiskSpool s = spool == null ? null : DiskSpool.open(spool);
        ReceiverState receiver = new ReceiverState();
        RetryingSender retrying = new RetryingSender(sender, backoff, Sleeper.SYSTEM, System::nanoTime, deadLetters,
                receiver.watching(l));
        try {
            return start(encoder, retrying, s, options, l, receiver);
        } catch (RuntimeException e) {
            if (s != null) {
                s.close();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ the pipeline's side

    /** Encodes and queues (or spools) the event; never waits for the receiver. */
    @Override
    public void accept(Event event) {
        if (closed || closing) {
            throw new IllegalStateException("the " + sender.name() + " exporter is closed");
        }
        Record r;
        try {
            r = encoder.encode(event);
        } catch (RuntimeException e) {
            encodeFailures.increment();
            throw e;
        }
        accepted.increment();
        offer(r);
    }

    private void offer(Record r) {
        if (queue != null && (spool == null || !(spool.hasUnread() || receiver.isDown())) && queue.offer(r)) {
            queued.increment();
            wakeSender();
            return;
        }
        moveQueueToSpool();
        toSpool(r);
        wakeSender();
    }

    /**
     * Before a record goes to the spool, the queue goes there, so that the queue never holds records newer
     * than the spool's. No lock: only this (the pipeline's) thread appends to the spool and adds to the
     * queue, and it adds only while the spool has nothing unread, so whatever is in the queue here is
     * older than anything it appends next. The sender thread may take from the queue meanwhile; each
     * record is taken once, by one of the two ({@code drainTo} and {@code poll} are atomic), and what the
     * sender takes is older than what is moved, which it reads from the spool after the queue.
     */
    private void moveQueueToSpool() {
        if (queue == null || spool == null || queue.isEmpty()) {
            return;
        }
        List<Record> moving = new ArrayList<>(queue.size());
        queue.drainTo(moving);
        movedToSpool.add(moving.size());
        for (Record m : moving) {
            toSpool(m); // a spool too small for them counts them lost, like a new record
        }
    }

    private void toSpool(Record r) {
        if (spool == null) {
            lose(ExportLoss.Reason.QUEUE_FULL, "the queue is full and there is no spool");
            return;
        }
        try {
            if (spool.append(r)) {
                spooled.increment();
            } else {
                lose(ExportLoss.Reason.SPOOL_FULL, "the queue and the spool (" + spool.options().maxBytes()
                        + " bytes in " + spool.directory() + ") are full");
            }
        } catch (IOException | RuntimeException e) {
            lose(ExportLoss.Reason.SPOOL_FAILED, "writing to the spool in " + spool.directory() + " failed: "
                    + e.getMessage());
        }
    }

    private void lose(ExportLoss.Reason code, String reason) {
        lastLossReason = reason;
        lastLossCode = code; // before the count: whoever sees the count sees this loss's code or a later one's
        lost.incrementAndGet();
    }

    private void wakeSender() {
        Thread t = thread;
        if (waiting && t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Forces the spool's data to disk and has the sender send its partial batch now; does not wait for
     * the receiver.
     */
    @Override
    public void flush() {
        if (closed) {
            return;
        }
        flushRequested = true;
        if (receiver.isDown()) {
            moveQueueToSpool(); // records queued before the failure was known: to disk before a kill -9
        }
        wakeSender();
        if (spool != null) {
            try {
                spool.sync();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("syncing the spool in " + spool.directory(), e);
            }
        }
    }

    /**
     * Tries to deliver everything for up to {@link QueueOptions#closeTimeout()}, then spools what is
     * still in memory (counting as lost what the spool cannot take), and closes the sender and the spool.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        boolean interrupted = Thread.interrupted(); // an interrupted caller would close the spool's channels
        boolean stopped = stopThread();
        closed = true;
        try {
            if (stopped) {
                spillMemoryToSpool();
            } else {
                lose(ExportLoss.Reason.CLOSE_TIMEOUT, "the sender thread did not stop: "
                        + (queue == null ? 0 : queue.size()) + " queued records");
            }
            reportLosses();
        } finally {
            try {
                sender.close();
            } finally {
                if (spool != null) {
                    spool.close();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Lets the sender thread deliver until the close timeout, then interrupts it, but only while it is in
     * {@link RecordSender#send} (an interrupt during the spool's file I/O would close its channels); a
     * sender blind to interrupts (a blocking socket write) is closed to unblock it. Returns whether the
     * thread ended.
     */
    private boolean stopThread() {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        LockSupport.unpark(t);
        try {
            t.join(options.closeTimeout().toMillis() + 1);
            if (t.isAlive()) {
                synchronized (sendLock) {
                    if (inSend) {
                        t.interrupt();
                    }
                }
                t.join(1000);
            }
            if (t.isAlive()) {
                sender.close();
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private void spillMemoryToSpool() {
        List<Record> left = new ArrayList<>(batch.memoryRecords());
        if (carry != null && carrySpoolEnd < 0) {
            left.add(carry);
        }
        carry = null;
        batch = newBatch();
        if (queue != null) {
            queue.drainTo(left);
        }
        movedToSpool.add(left.size());
        for (Record r : left) {
            toSpool(r);
        }
    }

    // ------------------------------------------------------------------ the sender's side

    private void loop() {
        long deadline = Long.MAX_VALUE;
        while (true) {
            long now = nanoClock.getAsLong();
            if (closing && deadline == Long.MAX_VALUE) {
                deadline = now + options.closeTimeout().toNanos();
            }
            boolean progressed;
            try {
                progressed = runOnce(now);
            } catch (RuntimeException e) {
                progressed = false; // a bug in a sender or the spool: keep the thread, retry after a pause
                sendFailures.incrementAndGet();
                retryAtNanos = now + options.retryPause().toNanos();
            }
            if (closing && (isDrained() || now >= deadline)) {
                return;
            }
            if (!progressed) {
                waitForWork(now);
            }
        }
    }

    private void waitForWork(long now) {
        long wait = IDLE_WAIT_NANOS;
        if (retryAtNanos > now) {
            wait = Math.min(wait, retryAtNanos - now); // a batch waits for its retry: new records wait too
        } else if (carry != null || (queue != null && !queue.isEmpty()) || (spool != null && spool.hasUnread())) {
            return; // arrived after fill(): take them now
        } else if (!batch.isEmpty()) {
            wait = Math.min(wait, batch.readyAtNanos() - now);
        }
        if (wait <= 0) {
            return;
        }
        waiting = true;
        try {
            boolean work = (queue != null && !queue.isEmpty()) || (spool != null && spool.hasUnread());
            if (retryAtNanos > now || !(work || closing || flushRequested)) {
                LockSupport.parkNanos(this, wait);
            }
        } finally {
            waiting = false;
        }
    }

    /** Nothing left in memory, in the spool unread, or in a batch. */
    boolean isDrained() {
        return batch.isEmpty() && carry == null && (queue == null || queue.isEmpty())
                && (spool == null || !spool.hasUnread());
    }

    /**
     * One step of the sender thread: reports losses, syncs the spool if due, fills the batch from the
     * queue then the spool, and sends it if it is ready and no retry pause is running. Returns whether
     * a batch was delivered.
     */
    boolean runOnce(long now) {
        if (!recoveryReported) {
            recoveryReported = true;
            if (spool != null && (replayed > 0 || spool.truncations() > 0)) {
                listener.spoolRecovered(replayed, spool.truncatedBytes(), spool.truncations());
            }
        }
        reportLosses();
        if (spool != null) {
            try {
                spool.syncIfDue(now);
            } catch (IOException e) {
                lastLossReason = "syncing the spool failed: " + e.getMessage();
            }
        }
        fill(now);
        if (batch.isEmpty()) {
            flushRequested = false; // everything asked for is sent
        }
        boolean forced = flushRequested || closing;
        if (!batch.isReady(now, forced) || now < retryAtNanos) {
            return false;
        }
        return sendBatch(now);
    }

    private void fill(long now) {
        while (true) {
            Record r;
            long spoolEnd = -1;
            if (carry != null) {
                r = carry;
                spoolEnd = carrySpoolEnd;
            } else if (queue != null && (r = queue.poll()) != null) {
                // poll, not peek then poll: the pipeline may move the queue to the spool between the two
                spoolEnd = -1;
            } else if (spool != null && spool.hasUnread()) {
                DiskSpool.Spooled s;
                try {
                    s = spool.poll();
                } catch (IOException e) {
                    lastLossReason = "reading the spool failed: " + e.getMessage();
                    return;
                }
                if (s == null) {
                    return;
                }
                r = s.record();
                spoolEnd = s.endOffset();
            } else {
                return;
            }
            if (r == carry) {
                if (!batch.canAdd(r)) {
                    batch.markFull();
                    return;
                }
                carry = null;
                carrySpoolEnd = -1;
            } else if (!batch.canAdd(r)) {
                carry = r; // taken from the queue or the spool but no room: first in the next batch
                carrySpoolEnd = spoolEnd;
                batch.markFull();
                return;
            }
            batch.add(r, spoolEnd, now);
        }
    }

    private boolean sendBatch(long now) {
        Batch b = batch;
        b.markAttempted();
        boolean delivered = false;
        try {
            synchronized (sendLock) {
                inSend = true;
            }
            sender.send(b.records());
            delivered = true;
        } catch (SendException.Retriable e) {
            receiver.failed();
            sendFailures.incrementAndGet();
            retryAtNanos = now + options.retryPause().toNanos();
            listener.sendFailed(sender.name(), e);
            return false;
        } catch (SendException.Fatal e) {
            refused.addAndGet(b.size());
            listener.refused(sender.name(), b.size(), e);
        } catch (SendException e) {
            throw new AssertionError("SendException is sealed", e);
        } finally {
            synchronized (sendLock) {
                inSend = false;
                Thread.interrupted(); // an interrupt meant for send() must not reach the spool's file I/O
            }
        }
        long ack = b.lastSpoolEnd();
        if (ack >= 0) {
            try {
                spool.acknowledge(ack);
            } catch (IOException e) {
                // delivered, but the cursor did not move: these records are sent again after a restart (same ids)
                lastLossReason = "persisting the spool cursor failed: " + e.getMessage();
            }
        }
        receiver.answered(); // delivered, or refused for good: either way it answers, records may queue again
        if (delivered) {
            sent.addAndGet(b.size());
        }
        batch = newBatch();
        retryAtNanos = Long.MIN_VALUE;
        return true;
    }

    private void reportLosses() {
        long total = lost.get();
        if (total != lostReported) {
            long delta = total - lostReported;
            lostReported = total;
            listener.lost(delta, total, lastLossReason);
        }
    }

    private Batch newBatch() {
        return new Batch(options.maxBatchRecords(), options.maxBatchBytes(), options.linger().toNanos());
    }

    // ------------------------------------------------------------------ state

    public Stats stats() {
        return new Stats(accepted.sum(), queued.sum(), spooled.sum(), sent.get(), lost.get(), refused.get(),
                sendFailures.get(), encodeFailures.sum(), replayed, spool == null ? 0 : spool.truncatedBytes(),
                movedToSpool.sum());
    }

    /** Records lost so far (queue and spool full, or the spool failing): never silent, see {@link Listener#lost}. */
    @Override
    public long lost() {
        return lost.get();
    }

    /** Why the latest loss happened. */
    @Override
    public ExportLoss.Reason lastLossReason() {
        return lastLossCode;
    }

    @Override
    public String name() {
        return sender.name();
    }
}

package io.vigil.exporters.file;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Writes full buffers to the export file on a thread of its own, so that the sink thread serializes
 * the next events while the kernel copies the last ones into the page cache (on a machine whose new
 * page-cache pages are expensive, the write costs more than the JSON: bench/README.md).
 *
 * <p>Three buffers at most: one filling on the sink thread, one waiting, one being written. The sink
 * hands a full buffer over with {@link #handOff} and gets an empty one back; it waits only when both
 * others are still busy, which holds the events in the pipeline's bounded queue (counted there if it
 * overflows), never in memory here. Bytes reach the stream in hand-off order.
 *
 * <p>A failed write loses the buffer it failed on: its lines are reported to {@code onLostLines}
 * (the exporter moves them from written to failed), later buffers are discarded and counted the
 * same way until the sink has taken the failure ({@link #takeFailure}), so the error surfaces on the
 * sink thread at its next call and nothing disappears uncounted.
 */
final class BackgroundAppender implements AutoCloseable {
    private static final int MAX_BUFFERS = 3;

    private final int bufferSize;
    private final LongConsumer onLostLines;
    private final Thread thread;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private int allocated = 1; // the one the sink fills
    private OutputStream out;
    private byte[] waiting;
    private int waitingLen;
    private boolean writing;
    private IOException failure;
    private boolean closed;

    BackgroundAppender(String name, int bufferSize, LongConsumer onLostLines) {
        this.bufferSize = bufferSize;
        this.onLostLines = onLostLines;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The stream later hand-offs go to; only while idle (after {@link #awaitIdle}). */
    synchronized void setOutput(OutputStream out) {
        if (waiting != null || writing) {
            throw new IllegalStateException("output switched with writes pending");
        }
        this.out = out;
    }

    /** A buffer for the sink to fill first. */
    byte[] firstBuffer() {
        return new byte[bufferSize];
    }

    /** Queues {@code len} bytes of {@code full} and returns an empty buffer; waits while both others are busy. */
    synchronized byte[] handOff(byte[] full, int len) throws InterruptedException {
        ensureOpen();
        while (waiting != null) {
            wait();
        }
        waiting = full;
        waitingLen = len;
        notifyAll();
        if (!free.isEmpty()) {
            return free.pop();
        }
        while (allocated >= MAX_BUFFERS && free.isEmpty()) {
            wait();
        }
        if (!free.isEmpty()) {
            return free.pop();
        }
        allocated++;
        return new byte[bufferSize];
    }

    /** Waits until every handed-off byte has been written (or counted lost). */
    synchronized void awaitIdle() throws InterruptedException {
        while (waiting != null || writing) {
            wait();
        }
    }

    /** The write error not yet reported to the sink, cleared by this call; null if none. */
    synchronized IOException takeFailure() {
        IOException f = failure;
        failure = null;
        return f;
    }

    private void run() {
        while (true) {
            byte[] b;
            int len;
            OutputStream o;
            boolean discard;
            synchronized (this) {
                while (waiting == null && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (waiting == null) {
                    return; // closed and drained
                }
                b = waiting;
                len = waitingLen;
                waiting = null;
                writing = true;
                o = out;
                discard = failure != null; // the sink has not seen the last error yet
                notifyAll();
            }
            IOException err = null;
            if (!discard) {
                try {
                    o.write(b, 0, len);
                } catch (IOException e) {
                    err = e;
                } catch (RuntimeException e) {
                    err = new IOException(e);
                }
            }
            if (discard || err != null) {
                onLostLines.accept(lines(b, len));
            }
            synchronized (this) {
                if (err != null && failure == null) {
                    failure = err;
                }
                writing = false;
                free.push(b);
                notifyAll();
            }
        }
    }

    private static long lines(byte[] b, int len) {
        long n = 0;
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Writes what is queued, then stops the thread. The stream is the caller's to close. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
        }
        thread.join();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("appender closed");
        }
        Objects.requireNonNull(out, "no output");
    }
}

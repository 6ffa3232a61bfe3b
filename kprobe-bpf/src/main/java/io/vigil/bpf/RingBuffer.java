package io.vigil.bpf;

import io.vigil.bpf.internal.Errno;
import io.vigil.bpf.internal.LibBpf;
import io.vigil.bpf.internal.Native;
import jnr.ffi.Pointer;

/**
 * A consumer of a BPF ring buffer map (libbpf's ring_buffer). Records are handed to the
 * {@link RecordHandler} on the thread that calls {@link #poll} or {@link #consume}.
 *
 * <p><b>Batched wake-ups: call {@link #consume()} after every {@link #poll} that returns 0.</b>
 * The Vigil sensors wake the consumer only when the data waiting crosses a multiple of 256 KiB
 * (lib/common.h, submit_event), so epoll is not woken for a trickle of events and poll() times out
 * with records in the buffer. A loop of
 * {@code poll(timeout); consume();} sees every record within one timeout.
 *
 * <p>poll/consume/close are serialized: close() from another thread waits for a running poll()
 * (at most its timeout); close() from inside the handler takes effect when the poll returns.
 */
public final class RingBuffer implements AutoCloseable {
    private final LibBpf lib;
    private final RecordHandler handler;
    /** Held for the life of the ring buffer: libbpf calls it. */
    private final LibBpf.SampleFn sample;
    private Pointer rb;
    private Throwable handlerFailure;
    private boolean inCallback;
    private boolean closePending;

    private RingBuffer(LibBpf lib, RecordHandler handler) {
        this.lib = lib;
        this.handler = handler;
        this.sample = this::onSample;
    }

    /**
     * Opens a consumer on a ring buffer map (type BPF_MAP_TYPE_RINGBUF, e.g. the sensors' events).
     *
     * @throws IllegalArgumentException when map is not a ring buffer
     * @throws IllegalStateException when libbpf cannot set it up (its cause is a {@link BpfException})
     */
    public static RingBuffer open(BpfMap map, RecordHandler handler) {
        if (map.type() != LibBpf.BPF_MAP_TYPE_RINGBUF) {
            throw new IllegalArgumentException("map '" + map.name() + "' is not a ring buffer (type " + map.type() + ")");
        }
        try {
            return open(map.fd(), handler);
        } catch (BpfException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Opens a consumer on the ring buffer map open as mapFd. */
    public static RingBuffer open(int mapFd, RecordHandler handler) throws BpfException {
        LibBpf lib = Native.libbpf();
        RingBuffer r = new RingBuffer(lib, handler);
        Pointer p = lib.ring_buffer__new(mapFd, r.sample, null, null);
        if (p == null) {
            int e = Native.errnoOf(0);
            throw new BpfException("cannot open a ring buffer consumer on map fd " + mapFd, e,
                    e == Errno.EINVAL ? "the fd is not a BPF ring buffer map" : null, null);
        }
        r.rb = p;
        return r;
    }

    private int onSample(Pointer ctx, Pointer data, long size) {
        try {
            handler.onRecord(data, (int) size);
            return 0;
        } catch (Throwable t) {
            if (handlerFailure == null) {
                handlerFailure = t;
            }
            return -Errno.EINTR; // stops this consume; rethrown by poll/consume
        }
    }

    /**
     * Waits up to timeoutMs for a wake-up and hands over what is ready. Returns the number of
     * records handled (0 on timeout or when a signal interrupted the wait). See the class comment:
     * follow a 0 with {@link #consume()}.
     */
    public synchronized int poll(int timeoutMs) {
        return run(true, timeoutMs);
    }

    /** Hands over every record in the buffer now, without waiting. Returns how many. */
    public synchronized int consume() {
        return run(false, 0);
    }

    private int run(boolean poll, int timeoutMs) {
        if (rb == null) {
            throw new IllegalStateException("ring buffer is closed");
        }
        int r;
        inCallback = true;
        try {
            r = poll ? lib.ring_buffer__poll(rb, timeoutMs) : lib.ring_buffer__consume(rb);
        } finally {
            inCallback = false;
        }
        Throwable failure = handlerFailure;
        handlerFailure = null;
        if (closePending) {
            free();
        }
        if (failure != null) {
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            throw new IllegalStateException("record handler failed", failure);
        }
        if (r == -Errno.EINTR) {
            return 0;
        }
        if (r < 0) {
            throw new IllegalStateException(BpfException.compose(poll ? "ring_buffer__poll" : "ring_buffer__consume",
                    -r, null, null));
        }
        return r;
    }

    @Override
    public synchronized void close() {
        if (inCallback) {
            closePending = true;
            return;
        }
        free();
    }

    private void free() {
        if (rb != null) {
            lib.ring_buffer__free(rb);
            rb = null;
        }
        closePending = false;
    }

    public synchronized boolean isClosed() {
        return rb == null;
    }
}

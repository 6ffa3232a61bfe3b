package io.vigil.bpf;

import jnr.ffi.Pointer;

/** Receives the records of a {@link RingBuffer}, on the thread that calls poll() or consume(). */
@FunctionalInterface
public interface RecordHandler {
    /**
     * One record. {@code data} points into the ring buffer's memory and is valid only during this
     * call: copy what you keep ({@code data.get(0, bytes, 0, size)}). An exception thrown here
     * stops the current poll/consume (the record is dropped) and is rethrown from it.
     */
    void onRecord(Pointer data, int size);
}

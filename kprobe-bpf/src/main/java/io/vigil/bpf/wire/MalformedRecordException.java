package io.vigil.bpf.wire;

/** A ring-buffer record that does not match the wire format; the pipeline counts and drops it. */
public class MalformedRecordException extends Exception {
    public MalformedRecordException(String message) {
        super(message);
    }
}

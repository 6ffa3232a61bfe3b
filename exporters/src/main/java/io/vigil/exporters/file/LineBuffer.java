package io.vigil.exporters.file;

import java.io.OutputStream;
import java.util.Arrays;

/** A reusable byte sink for one serialized line: the JSON generator writes here, the writer reads {@link #array()}. */
final class LineBuffer extends OutputStream {
    private byte[] buf = new byte[16 * 1024];
    private int count;

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }

    byte[] array() {
        return buf;
    }

    int length() {
        return count;
    }

    void reset() {
        count = 0;
    }
}

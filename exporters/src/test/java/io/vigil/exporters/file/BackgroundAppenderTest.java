package io.vigil.exporters.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackgroundAppenderTest {

    /** A stream that writes slowly, so that hand-offs queue up behind it. */
    private static final class SlowStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bytes.write(b, off, len);
        }
    }

    @Test
    void bytesArriveInHandOffOrderWithThreeBuffersAtMost() throws Exception {
        SlowStream out = new SlowStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (BackgroundAppender a = new BackgroundAppender("t", 64, n -> {})) {
            a.setOutput(out);
            byte[] buf = a.firstBuffer();
            java.util.Set<byte[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (int i = 0; i < 200; i++) {
                seen.add(buf);
                String line = "line " + i + "\n";
                byte[] l = line.getBytes();
                System.arraycopy(l, 0, buf, 0, l.length);
                expected.write(l);
                buf = a.handOff(buf, l.length);
            }
            a.awaitIdle();
            assertTrue(seen.size() <= 3, "buffers used: " + seen.size());
            assertNull(a.takeFailure());
        }
        assertArrayEquals(expected.toByteArray(), out.bytes.toByteArray());
    }

    @Test
    void aFailedWriteCountsItsLinesAndLaterOnesUntilTheSinkTakesTheError() throws Exception {
        AtomicLong lost = new AtomicLong();
        CountDownLatch failed = new CountDownLatch(1);
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                failed.countDown();
                throw new IOException("disk full");
            }
        };
        try (BackgroundAppender a = new BackgroundAppender("t", 64, lost::addAndGet)) {
            a.setOutput(broken);
            byte[] buf = a.firstBuffer();
            byte[] two = "a\nb\n".getBytes();
            System.arraycopy(two, 0, buf, 0, two.length);
            buf = a.handOff(buf, two.length);
            failed.await();
            a.awaitIdle();
            byte[] three = "c\nd\ne\n".getBytes();
            System.arraycopy(three, 0, buf, 0, three.length);
            buf = a.handOff(buf, three.length); // discarded: the error is not taken yet
            a.awaitIdle();
            assertEquals(5, lost.get());
            IOException f = a.takeFailure();
            assertNotNull(f);
            assertEquals("disk full", f.getMessage());
            assertNull(a.takeFailure());
        }
    }
}

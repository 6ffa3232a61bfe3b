package io.vigil.exporters.remote;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dead letters as JSON lines appended to one file, one line per refused record:
 * {@code {"time":"...","sender":"syslog","reason":"...","id":"...","key":"...","payload_b64":"..."}}.
 * The payload is base64 because it is whatever the receiver takes (a syslog frame, a JSON document).
 * A failure to write is counted in {@link #writeFailures()}, never thrown: the records are then only counted.
 */
public final class DeadLetterFile implements DeadLetters {
    private final Path path;
    private final Clock clock;
    private final JsonFactory json = new JsonFactory();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private FileChannel channel;

    public DeadLetterFile(Path path, Clock clock) {
        this.path = path;
        this.clock = clock;
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void accept(String sender, List<Record> batch, SendException.Fatal cause) {
        count.addAndGet(batch.size());
        try {
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            String time = clock.instant().toString();
            for (Record r : batch) {
                try (JsonGenerator g = json.createGenerator(buf)) {
                    g.writeStartObject();
                    g.writeStringField("time", time);
                    g.writeStringField("sender", sender);
                    g.writeStringField("reason", String.valueOf(cause.getMessage()));
                    g.writeStringField("id", r.id());
                    g.writeStringField("key", r.key());
                    g.writeFieldName("payload_b64");
                    g.writeBinary(r.payload());
                    g.writeEndObject();
                }
                buf.write('\n');
            }
            ByteBuffer b = ByteBuffer.wrap(buf.toByteArray());
            while (b.hasRemaining()) {
                channel.write(b);
            }
            channel.force(false);
        } catch (IOException e) {
            writeFailures.incrementAndGet();
        }
    }

    @Override
    public long count() {
        return count.get();
    }

    /** Batches that could only be counted because the file could not be written. */
    public long writeFailures() {
        return writeFailures.get();
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                writeFailures.incrementAndGet();
            }
            channel = null;
        }
    }
}

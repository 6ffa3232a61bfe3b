package io.vigil.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;

/** google.protobuf.Timestamp values as protojson writes them: a {@link Rfc3339} string. */
final class TimestampJson {
    private final TimestampBytes timestamps = new TimestampBytes();

    void write(JsonGenerator g, Instant t) throws IOException {
        byte[] buf = new byte[Rfc3339.MAX_LENGTH];
        int n = timestamps.format(t, buf);
        g.writeRawUTF8String(buf, 0, n); // ASCII digits and punctuation: nothing to escape
    }
}

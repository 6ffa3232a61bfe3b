package io.vigil.exporters.syslog;

import io.vigil.api.Event;
import io.vigil.exporters.remote.JsonRecordEncoder;
import io.vigil.exporters.remote.Record;
import io.vigil.exporters.remote.RecordEncoder;
import io.vigil.exporters.remote.RecordIds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * An event as one RFC 5424 syslog message (without its RFC 6587 frame, which {@link SyslogSender} adds):
 * <pre>
 *   &lt;PRI&gt;1 TIMESTAMP HOSTNAME vigil PROCID MSGID - MSG
 *   &lt;108&gt;1 2024-04-14T02:18:14.376304Z node-1 vigil 4242 process_kprobe - {"process_kprobe":{...},...}
 * </pre>
 * PRI = facility * 8 + severity ({@link Severity}); TIMESTAMP is the event's time in UTC to the
 * microsecond (RFC 5424 allows six fractional digits), so a replayed message is byte for byte the first
 * one; HOSTNAME is the configured name or the event's node_name; MSGID is the event type; no structured
 * data; MSG is the Tetragon JSON or the {@link Cef} line. The record's id is the {@link RecordIds} id of
 * the event's JSON (CEF carries it as {@code externalId}); its key, {@link RecordEncoder#key}.
 */
public final class SyslogEncoder implements RecordEncoder {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private final SyslogOptions options;
    private final JsonRecordEncoder json = new JsonRecordEncoder();
    private final Cef cef;

    public SyslogEncoder(SyslogOptions options) {
        this.options = options;
        this.cef = new Cef(options.productVersion());
    }

    @Override
    public Record encode(Event e) {
        byte[] canonical = json.json(e);
        String id = RecordIds.of(canonical);
        StringBuilder b = new StringBuilder(canonical.length + 128);
        b.append('<').append(options.facility() * 8 + Severity.of(e).syslog).append(">1 ");
        b.append(timestamp(e.time())).append(' ');
        b.append(field(options.hostname().isEmpty() ? e.nodeName() : options.hostname(), 255)).append(' ');
        b.append("vigil ");
        b.append(field(options.procId(), 128)).append(' ');
        b.append(field(e.body().jsonKey(), 32)).append(" - ");
        byte[] head = b.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] body = options.format() == SyslogOptions.Format.CEF
                ? cef.format(e, id).getBytes(StandardCharsets.UTF_8) : canonical;
        byte[] msg = new byte[head.length + body.length];
        System.arraycopy(head, 0, msg, 0, head.length);
        System.arraycopy(body, 0, msg, head.length, body.length);
        return new Record(id, RecordEncoder.key(e), msg);
    }

    static String timestamp(Instant t) {
        return t == null ? "-" : TIMESTAMP.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    /** A header field: printable US-ASCII without spaces (others become '_'), at most {@code max}, "-" if empty. */
    static String field(String s, int max) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c > 32 && c < 127 ? c : '_');
        }
        return b.toString();
    }
}

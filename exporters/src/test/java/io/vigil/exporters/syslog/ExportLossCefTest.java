package io.vigil.exporters.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vigil.api.Event;
import io.vigil.api.ExportLoss;
import io.vigil.exporters.remote.JsonRecordEncoder;
import io.vigil.exporters.remote.Record;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** export_loss (another exporter of the agent lost events) as an RFC 5424 message and a CEF line. */
class ExportLossCefTest {
    private static final SyslogOptions CEF = new SyslogOptions("127.0.0.1", 514, SyslogOptions.Transport.TCP, null,
            SyslogOptions.Format.CEF, 13, null, "4242", "1.2.3", null);
    private static final Event LOSS = new Event("node-1", Instant.parse("2024-04-14T02:18:14.376304204Z"),
            new ExportLoss("kafka", ExportLoss.Reason.SPOOL_FULL, 12, 40, Instant.parse("2024-04-14T02:18:04Z")));

    @Test
    void theWholeMessage() {
        Record r = new SyslogEncoder(CEF).encode(LOSS);
        // PRI = 13*8 + 3 (error); rt = 02:18:14.376 and start = 02:18:04 in ms since the epoch
        assertEquals("<107>1 2024-04-14T02:18:14.376304Z node-1 vigil 4242 export_loss - "
                + "CEF:0|Vigil|vigil|1.2.3|export_loss|Events lost by the kafka exporter|7|"
                + "rt=1713061094376 dvchost=node-1 externalId=" + r.id() + " reason=spool_full start=1713061084000"
                + " cs1Label=exporter cs1=kafka cn1Label=lost cn1=12 cn2Label=total cn2=40"
                + " msg=the kafka exporter lost 12 events (40 since the agent started): spool_full",
                new String(r.payload(), StandardCharsets.UTF_8));
        assertEquals(new JsonRecordEncoder().encode(LOSS).id(), r.id(), "same id whatever the body format");
        assertEquals("export_loss:kafka", r.key(), "no process: keyed by the exporter");
    }

    @Test
    void parsesWithoutProcessFields() {
        String msg = new String(new SyslogEncoder(CEF).encode(LOSS).payload(), StandardCharsets.UTF_8);
        CefParser.Cef c = CefParser.parse(msg.substring(msg.indexOf("CEF:0|")));
        assertEquals(List.of("0", "Vigil", "vigil", "1.2.3", "export_loss", "Events lost by the kafka exporter", "7"),
                c.header());
        assertEquals("40", c.get("cn2"));
        assertNull(c.get("spid"));
        assertNull(c.get("sproc"));
        assertNull(c.get("cs3"), "no exec_id");
    }

    @Test
    void theJsonFormatCarriesTheTetragonStyleAlert() {
        SyslogOptions json = new SyslogOptions("127.0.0.1", 514, SyslogOptions.Transport.TCP, null,
                SyslogOptions.Format.JSON, 13, null, "4242", "1.2.3", null);
        String msg = new String(new SyslogEncoder(json).encode(LOSS).payload(), StandardCharsets.UTF_8);
        assertEquals("<107>1 2024-04-14T02:18:14.376304Z node-1 vigil 4242 export_loss - {\"export_loss\":"
                + "{\"exporter\":\"kafka\",\"reason\":\"spool_full\",\"lost\":\"12\",\"total\":\"40\","
                + "\"since\":\"2024-04-14T02:18:04Z\"},\"node_name\":\"node-1\",\"time\":\"2024-04-14T02:18:14.376304204Z\"}",
                msg);
    }
}

package io.vigil.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.api.Event;
import io.vigil.api.ExportLoss;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The golden line of export_loss, the agent's alert when a remote exporter loses events. */
class ExportLossJsonTest {
    private final EventJsonWriter writer = new EventJsonWriter();

    @Test
    void countsAreProtojsonStringsAndTheReasonIsItsWireName() {
        ExportLoss l = new ExportLoss("kafka", ExportLoss.Reason.SPOOL_FULL, 12, 40,
                Instant.parse("2024-04-14T02:18:04Z"));
        assertEquals("{\"export_loss\":{\"exporter\":\"kafka\",\"reason\":\"spool_full\",\"lost\":\"12\",\"total\":\"40\","
                        + "\"since\":\"2024-04-14T02:18:04Z\"},\"node_name\":\"n1\",\"time\":\"2024-04-14T02:18:14Z\"}",
                writer.toJson(new Event("n1", Instant.parse("2024-04-14T02:18:14Z"), l)));
    }

    @Test
    void anAlertOfNothingIsRefused() {
        Instant t = Instant.EPOCH;
        assertThrows(IllegalArgumentException.class, () -> new ExportLoss("kafka", ExportLoss.Reason.QUEUE_FULL, 0, 0, t));
        assertThrows(IllegalArgumentException.class, () -> new ExportLoss("kafka", ExportLoss.Reason.QUEUE_FULL, 5, 4, t));
    }
}

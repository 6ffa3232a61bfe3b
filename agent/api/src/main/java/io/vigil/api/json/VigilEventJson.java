package io.vigil.api.json;

import static io.vigil.api.json.ProtoFields.string;
import static io.vigil.api.json.ProtoFields.strings;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.api.ExportLoss;
import io.vigil.api.ProcessAsset;
import java.io.IOException;

/**
 * The bodies of Vigil's own events, which Tetragon does not have, written by the same rules:
 * {@code process_asset} (the model-theft guard) and {@code export_loss} (an exporter's alert).
 */
final class VigilEventJson {
    private final ProcessJson processes;
    private final TimestampJson time;

    VigilEventJson(ProcessJson processes, TimestampJson time) {
        this.processes = processes;
        this.time = time;
    }

    void writeAsset(JsonGenerator g, ProcessAsset a) throws IOException {
        g.writeStartObject();
        processes.processAndParent(g, a.process(), a.parent());
        string(g, "policy_name", a.policyName());
        string(g, "event", a.event());
        string(g, "action", a.action());
        if (a.asset() != null) {
            g.writeObjectFieldStart("asset");
            string(g, "path", a.asset().path());
            g.writeNumberField("dev", a.asset().dev());
            g.writeNumberField("inode", a.asset().inode());
            g.writeEndObject();
        }
        if (a.destination() != null) {
            ProcessAsset.Destination d = a.destination();
            g.writeObjectFieldStart("destination");
            string(g, "address", d.address());
            g.writeNumberField("port", d.port());
            string(g, "protocol", d.protocol());
            strings(g, "names", d.names());
            g.writeEndObject();
        }
        if (a.bytesSent() != 0) {
            g.writeNumberField("bytes_sent", a.bytesSent());
        }
        if (a.budget() != 0) {
            g.writeNumberField("budget", a.budget());
        }
        g.writeEndObject();
    }

    /** uint64 counts as strings, as protojson writes them (and rate_limit_info's count). */
    void writeExportLoss(JsonGenerator g, ExportLoss l) throws IOException {
        g.writeStartObject();
        g.writeStringField("exporter", l.exporter());
        g.writeStringField("reason", l.reason().json());
        g.writeStringField("lost", Long.toString(l.lost()));
        g.writeStringField("total", Long.toString(l.total()));
        g.writeFieldName("since");
        time.write(g, l.since());
        g.writeEndObject();
    }
}

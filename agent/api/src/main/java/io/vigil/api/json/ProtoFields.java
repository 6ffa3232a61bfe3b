package io.vigil.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.util.List;

/**
 * Fields as protojson writes them without EmitUnpopulated (see {@link EventJsonWriter}): an empty
 * string, a zero plain number or an empty repeated field is left out, name and all.
 */
final class ProtoFields {
    private ProtoFields() {
    }

    static void string(JsonGenerator g, String name, String v) throws IOException {
        if (!v.isEmpty()) {
            g.writeFieldName(name);
            g.writeString(v);
        }
    }

    /** The same, with a name serialized once (the process object's hot path). */
    static void string(JsonGenerator g, SerializableString name, String v) throws IOException {
        if (!v.isEmpty()) {
            g.writeFieldName(name);
            g.writeString(v);
        }
    }

    static void uint(JsonGenerator g, String name, long v) throws IOException {
        if (v != 0) {
            g.writeFieldName(name);
            g.writeNumber(v);
        }
    }

    static void strings(JsonGenerator g, String name, List<String> v) throws IOException {
        if (v.isEmpty()) {
            return;
        }
        g.writeFieldName(name);
        g.writeStartArray();
        for (String s : v) {
            g.writeString(s);
        }
        g.writeEndArray();
    }
}

package io.vigil.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import java.io.IOException;

/** The bodies of Tetragon's {@code process_exec} and {@code process_exit}. */
final class ProcessEventJson {
    private static final SerializableString SIGNAL = new SerializedString("signal");
    private static final SerializableString STATUS = new SerializedString("status");
    private static final SerializableString TIME = new SerializedString("time");

    private final ProcessJson processes;
    private final TimestampJson time;

    ProcessEventJson(ProcessJson processes, TimestampJson time) {
        this.processes = processes;
        this.time = time;
    }

    void writeExec(JsonGenerator g, ProcessExec x) throws IOException {
        g.writeStartObject();
        processes.processAndParent(g, x.process(), x.parent());
        g.writeEndObject();
    }

    void writeExit(JsonGenerator g, ProcessExit x) throws IOException {
        g.writeStartObject();
        processes.processAndParent(g, x.process(), x.parent());
        if (!x.signal().isEmpty()) {
            g.writeFieldName(SIGNAL);
            g.writeString(x.signal());
        }
        if (x.status() != 0) {
            g.writeFieldName(STATUS);
            g.writeNumber(x.status());
        }
        if (x.time() != null) {
            g.writeFieldName(TIME);
            time.write(g, x.time());
        }
        g.writeEndObject();
    }
}

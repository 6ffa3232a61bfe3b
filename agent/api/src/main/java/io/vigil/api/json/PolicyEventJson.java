package io.vigil.api.json;

import static io.vigil.api.json.ProtoFields.string;
import static io.vigil.api.json.ProtoFields.strings;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.api.KprobeAction;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.ProcessUsdt;
import java.io.IOException;

/**
 * The bodies of the tracing-policy events: {@code process_kprobe}, {@code process_tracepoint},
 * {@code process_lsm}, {@code process_uprobe}, {@code process_usdt}, each in its proto's field
 * declaration order (they differ: process_lsm puts policy_name and message before args).
 */
final class PolicyEventJson {
    private final ProcessJson processes;

    PolicyEventJson(ProcessJson processes) {
        this.processes = processes;
    }

    void writeKprobe(JsonGenerator g, ProcessKprobe k) throws IOException {
        g.writeStartObject();
        processes.processAndParent(g, k.process(), k.parent());
        string(g, "function_name", k.functionName());
        ArgumentJson.writeArgs(g, k.args());
        if (k.returnArg() != null) {
            g.writeFieldName("return");
            ArgumentJson.write(g, k.returnArg());
        }
        action(g, "action", k.action());
        string(g, "policy_name", k.policyName());
        action(g, "return_action", k.returnAction());
        string(g, "message", k.message());
        strings(g, "tags", k.tags());
        g.writeEndObject();
    }

    void writeTracepoint(JsonGenerator g, ProcessTracepoint t) throws IOException {
        g.writeStartObject();
        processes.processAndParent(g, t.process(), t.parent());
        string(g, "subsys", t.subsys());
        string(g, "event", t.event());
        ArgumentJson.writeArgs(g, t.args());
        string(g, "policy_name", t.policyName());
        action(g, "action", t.action());
        string(g, "message", t.message());
        strings(g, "tags", t.tags());
        g.writeEndObject();
    }

    void writeLsm(JsonGenerator g, ProcessLsm l) throws IOException {
        g.writeStartObject();
        processes.processAndParent(g, l.process(), l.parent());
        string(g, "function_name", l.functionName());
        string(g, "policy_name", l.policyName());
        string(g, "message", l.message());
        ArgumentJson.writeArgs(g, l.args());
        action(g, "action", l.action());
        strings(g, "tags", l.tags());
        g.writeEndObject();
    }

    /** Tetragon's ProcessUprobe: path, symbol, policy_name, message, args, tags (no action field). */
    void writeUprobe(JsonGenerator g, ProcessUprobe u) throws IOException {
        g.writeStartObject();
        processes.processAndParent(g, u.process(), u.parent());
        string(g, "path", u.path());
        string(g, "symbol", u.symbol());
        string(g, "policy_name", u.policyName());
        string(g, "message", u.message());
        ArgumentJson.writeArgs(g, u.args());
        strings(g, "tags", u.tags());
        g.writeEndObject();
    }

    /** Tetragon's ProcessUsdt: path, provider, name, policy_name, message, args, action, tags. */
    void writeUsdt(JsonGenerator g, ProcessUsdt u) throws IOException {
        g.writeStartObject();
        processes.processAndParent(g, u.process(), u.parent());
        string(g, "path", u.path());
        string(g, "provider", u.provider());
        string(g, "name", u.name());
        string(g, "policy_name", u.policyName());
        string(g, "message", u.message());
        ArgumentJson.writeArgs(g, u.args());
        action(g, "action", u.action());
        strings(g, "tags", u.tags());
        g.writeEndObject();
    }

    /** A KprobeAction enum by name; UNKNOWN (0) is left out. */
    private static void action(JsonGenerator g, String name, KprobeAction a) throws IOException {
        if (a != KprobeAction.UNKNOWN) {
            g.writeFieldName(name);
            g.writeString(a.protoName());
        }
    }
}

package io.vigil.exporters.syslog;

import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;

/**
 * An event in ArcSight's Common Event Format:
 * {@code CEF:0|Vigil|vigil|<version>|<event type>|<name>|<severity>|<extension>}.
 *
 * <p>Header fields escape {@code \} and {@code |} with a backslash (a line break becomes a space:
 * the header has none); extension values escape {@code \} and {@code =}, and write line breaks as
 * {@code \n} and {@code \r}. The field mapping (exporters/README.md has the table):
 *
 * <pre>
 *  rt            time, ms since the epoch        externalId   record id (dedup key)
 *  dvchost       node_name                       act          action (KPROBE_ACTION_SIGKILL ...)
 *  spid          process.pid                     sproc        process.binary
 *  suid          process.uid                     filePath     first file/path/binprm argument
 *  cs1 policy_name     cs2 arguments     cs3 exec_id     cs4 parent_binary
 *  cs5 function_name (kprobe, lsm; tracepoint: subsys/event; uprobe: path:symbol)
 *  cs6 cwd       cn1 parent_pid     cn2 exit_status     reason  exit signal     msg  policy message
 * </pre>
 */
public final class Cef {
    private final String version;

    public Cef(String productVersion) {
        this.version = productVersion;
    }

    /** The CEF line for {@code e}, whose record id is {@code id}. */
    public String format(Event e, String id) {
        StringBuilder b = new StringBuilder(512);
        String type = e.body().jsonKey();
        b.append("CEF:0|Vigil|vigil|");
        header(b, version).append('|');
        header(b, type).append('|');
        header(b, name(e)).append('|');
        b.append(Severity.of(e).cef).append('|');
        Ext x = new Ext(b);
        if (e.time() != null) {
            x.add("rt", Long.toString(e.time().toEpochMilli()));
        }
        x.add("dvchost", e.nodeName());
        x.add("externalId", id);
        ProcessInfo p = e.body().process();
        if (p.pid() != ProcessInfo.ABSENT) {
            x.add("spid", Long.toString(p.pid()));
        }
        x.add("sproc", p.binary());
        if (p.uid() != ProcessInfo.ABSENT) {
            x.add("suid", Long.toString(p.uid()));
        }
        ProcessInfo parent = parent(e);
        if (e.body() instanceof PolicyEvent pe) {
            x.add("act", pe.action() == KprobeAction.UNKNOWN ? "" : pe.action().protoName());
            x.add("filePath", firstPath(pe));
            x.add("cs1Label", "policy_name").add("cs1", pe.policyName());
        }
        x.add("cs2Label", "arguments").add("cs2", p.arguments());
        x.add("cs3Label", "exec_id").add("cs3", p.execId());
        if (parent != null) {
            x.add("cs4Label", "parent_binary").add("cs4", parent.binary());
        }
        String hook = hook(e);
        if (!hook.isEmpty()) {
            x.add("cs5Label", "function_name").add("cs5", hook);
        }
        x.add("cs6Label", "cwd").add("cs6", p.cwd());
        if (parent != null && parent.pid() != ProcessInfo.ABSENT) {
            x.add("cn1Label", "parent_pid").add("cn1", Long.toString(parent.pid()));
        }
        if (e.body() instanceof ProcessExit exit) {
            x.add("cn2Label", "exit_status").add("cn2", Long.toString(exit.status()));
            x.add("reason", exit.signal());
        }
        if (e.body() instanceof PolicyEvent pe) {
            x.add("msg", pe.message());
        }
        return b.toString();
    }

    /** The header's Name: "Process exec", "Process exit", or "policy: hook" for a policy event. */
    static String name(Event e) {
        if (e.body() instanceof ProcessExec) {
            return "Process exec";
        }
        if (e.body() instanceof ProcessExit) {
            return "Process exit";
        }
        PolicyEvent p = (PolicyEvent) e.body();
        return p.policyName().isEmpty() ? hook(e) : p.policyName() + ": " + hook(e);
    }

    private static ProcessInfo parent(Event e) {
        if (e.body() instanceof ProcessExec x) {
            return x.parent();
        }
        if (e.body() instanceof ProcessExit x) {
            return x.parent();
        }
        return ((PolicyEvent) e.body()).parent();
    }

    private static String hook(Event e) {
        if (e.body() instanceof ProcessKprobe k) {
            return k.functionName();
        }
        if (e.body() instanceof ProcessLsm l) {
            return l.functionName();
        }
        if (e.body() instanceof ProcessTracepoint t) {
            return t.subsys() + "/" + t.event();
        }
        if (e.body() instanceof ProcessUprobe u) {
            return u.path() + ":" + u.symbol();
        }
        return "";
    }

    private static String firstPath(PolicyEvent p) {
        for (KprobeArgument a : p.args()) {
            if (a.value() instanceof ArgValue.FileArg f) {
                return f.path();
            }
            if (a.value() instanceof ArgValue.PathArg f) {
                return f.path();
            }
            if (a.value() instanceof ArgValue.LinuxBinprmArg f) {
                return f.path();
            }
        }
        return "";
    }

    /** Appends a header field: {@code \} and {@code |} escaped, line breaks as spaces. */
    static StringBuilder header(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '|' -> b.append("\\|");
                case '\n', '\r' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b;
    }

    /** Appends an extension value: {@code \} and {@code =} escaped, line breaks as {@code \n} / {@code \r}. */
    static StringBuilder value(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '=' -> b.append("\\=");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b;
    }

    /** Space-separated key=value pairs; empty values are left out. */
    private static final class Ext {
        private final StringBuilder b;
        private boolean first = true;

        Ext(StringBuilder b) {
            this.b = b;
        }

        Ext add(String key, String v) {
            if (v == null || v.isEmpty()) {
                return this;
            }
            if (!first) {
                b.append(' ');
            }
            first = false;
            b.append(key).append('=');
            value(b, v);
            return this;
        }
    }
}

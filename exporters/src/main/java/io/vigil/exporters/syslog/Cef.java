package io.vigil.exporters.syslog;

import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.ExportLoss;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.ProcessUsdt;
import io.vigil.exporters.filter.Processes;
import io.vigil.exporters.remote.LossAlarm;
import java.util.Map;

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
 * A process_asset event (the model-theft guard) has the event class id
 * {@code process_asset:<EVENT>} (e.g. {@code process_asset:CONNECT_DENIED}, one signature per
 * decision), a Name from {@link #ASSET_NAMES}, and:
 * <pre>
 *  act  event (CONNECT_DENIED ...)     filePath  asset.path    fname  its basename   fileId  asset.inode
 *  dst  destination.address            dpt  destination.port   proto  destination.protocol
 *  dhost  first destination name       out  bytes_sent         cs1 policy_name
 *  cs5 policy_action (MONITOR, DENY, KILL)   cn2 file_device (asset.dev)   cn3 budget
 * </pre>
 * An export_loss alert (another exporter of the agent lost events) is about no process: Name
 * {@code Events lost by the <exporter> exporter}, and
 * <pre>
 *  reason  reason (spool_full ...)     start  since, ms since the epoch (rt is the alert's time)
 *  cs1 exporter     cn1 lost (since start)     cn2 total (since the agent started)     msg  the alert in words
 * </pre>
 */
public final class Cef {
    /** The Name of each process_asset event (after {@code <policy>: }); an unknown event is named as is. */
    static final Map<String, String> ASSET_NAMES = Map.of(
            "TAINT", "Protected asset read",
            "OPEN_DENIED", "Protected asset open denied",
            "OPEN_MONITORED", "Protected asset open monitored",
            "CONNECT_DENIED", "Tainted process connect denied",
            "SEND_DENIED", "Tainted process send denied",
            "EGRESS_MONITORED", "Tainted process egress monitored",
            "BUDGET_EXCEEDED", "Tainted process egress budget exceeded",
            "KILLED", "Tainted process killed");

    private final String version;

    public Cef(String productVersion) {
        this.version = productVersion;
    }

    /** The CEF line for {@code e}, whose record id is {@code id}. */
    public String format(Event e, String id) {
        StringBuilder b = new StringBuilder(512);
        String type = e.body() instanceof ProcessAsset a ? ProcessAsset.JSON_KEY + ":" + a.event() : e.body().jsonKey();
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
        if (e.body() instanceof ExportLoss l) {
            lossFields(x, l);
            return b.toString();
        }
        ProcessInfo p = e.body().process();
        if (p.pid() != ProcessInfo.ABSENT) {
            x.add("spid", Long.toString(p.pid()));
        }
        x.add("sproc", p.binary());
        if (p.uid() != ProcessInfo.ABSENT) {
            x.add("suid", Long.toString(p.uid()));
        }
        ProcessInfo parent = Processes.parent(e.body());
        if (e.body() instanceof PolicyEvent pe) {
            x.add("act", pe.action() == KprobeAction.UNKNOWN ? "" : pe.action().protoName());
            x.add("filePath", firstPath(pe));
            x.add("cs1Label", "policy_name").add("cs1", pe.policyName());
        }
        ProcessAsset asset = e.body() instanceof ProcessAsset a ? a : null;
        if (asset != null) {
            assetFields(x, asset);
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
        if (asset != null) {
            x.add("cs5Label", "policy_action").add("cs5", asset.action());
        }
        x.add("cs6Label", "cwd").add("cs6", p.cwd());
        if (parent != null && parent.pid() != ProcessInfo.ABSENT) {
            x.add("cn1Label", "parent_pid").add("cn1", Long.toString(parent.pid()));
        }
        if (asset != null && asset.asset() != null) {
            x.add("cn2Label", "file_device").add("cn2", Long.toUnsignedString(asset.asset().dev()));
        }
        if (asset != null && asset.budget() > 0) {
            x.add("cn3Label", "budget").add("cn3", Long.toString(asset.budget()));
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

    /**
     * The header's Name: "Process exec", "Process exit", "policy: hook" for a policy event,
     * "policy: Tainted process connect denied" ({@link #ASSET_NAMES}) for a process_asset event,
     * "Events lost by the kafka exporter" for an export_loss alert.
     */
    static String name(Event e) {
        if (e.body() instanceof ExportLoss l) {
            return "Events lost by the " + l.exporter() + " exporter";
        }
        if (e.body() instanceof ProcessExec) {
            return "Process exec";
        }
        if (e.body() instanceof ProcessExit) {
            return "Process exit";
        }
        if (e.body() instanceof ProcessAsset a) {
            String what = ASSET_NAMES.getOrDefault(a.event(), a.event());
            return a.policyName().isEmpty() ? what : a.policyName() + ": " + what;
        }
        PolicyEvent p = (PolicyEvent) e.body();
        return p.policyName().isEmpty() ? hook(e) : p.policyName() + ": " + hook(e);
    }

    /** reason, start (since), cs1 exporter, cn1 lost, cn2 total, msg. */
    private static void lossFields(Ext x, ExportLoss l) {
        x.add("reason", l.reason().json());
        x.add("start", Long.toString(l.since().toEpochMilli()));
        x.add("cs1Label", "exporter").add("cs1", l.exporter());
        x.add("cn1Label", "lost").add("cn1", Long.toString(l.lost()));
        x.add("cn2Label", "total").add("cn2", Long.toString(l.total()));
        x.add("msg", LossAlarm.describe(l));
    }

    /** act, the asset as filePath/fname/fileId, the destination as dst/dpt/proto/dhost, out, cs1. */
    private static void assetFields(Ext x, ProcessAsset a) {
        x.add("act", a.event());
        ProcessAsset.Asset f = a.asset();
        if (f != null) {
            x.add("filePath", f.path());
            int slash = f.path().lastIndexOf('/');
            x.add("fname", f.path().substring(slash + 1));
            x.add("fileId", Long.toUnsignedString(f.inode()));
        }
        ProcessAsset.Destination d = a.destination();
        if (d != null) {
            x.add("dst", d.address());
            if (d.port() != 0) {
                x.add("dpt", Integer.toString(d.port()));
            }
            x.add("proto", d.protocol());
            x.add("dhost", d.names().isEmpty() ? "" : d.names().get(0));
        }
        if (a.bytesSent() > 0) {
            x.add("out", Long.toString(a.bytesSent()));
        }
        x.add("cs1Label", "policy_name").add("cs1", a.policyName());
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
        if (e.body() instanceof ProcessUsdt u) {
            return u.path() + ":" + u.provider() + ":" + u.name();
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

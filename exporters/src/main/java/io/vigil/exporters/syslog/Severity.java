package io.vigil.exporters.syslog;

import io.vigil.api.Event;
import io.vigil.api.ExportLoss;
import io.vigil.api.KprobeAction;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessAsset;

/**
 * How serious an event is, on syslog's scale (RFC 5424 section 6.2.1) and CEF's (0..10; 0-3 low,
 * 4-6 medium, 7-8 high, 9-10 very high):
 *
 * <pre>
 *  event                                        syslog          CEF
 *  process_exec, process_exit                   6 informational 3
 *  policy event, action POST or other            5 notice        5
 *  process_asset TAINT (a protected asset read)  5 notice        5
 *  process_asset violation the policy only       4 warning       7
 *   monitors (OPEN_MONITORED, EGRESS_MONITORED,
 *   BUDGET_EXCEEDED under MONITOR): it went through
 *  policy event that enforced (SIGKILL,          4 warning       8
 *   OVERRIDE, SIGNAL, NOTIFYENFORCER); process_asset
 *   decision that stopped something (*_DENIED,
 *   KILLED, BUDGET_EXCEEDED under DENY or KILL)
 *  export_loss (an exporter lost events: a gap   3 error         7
 *   in the security record; the agent logs it
 *   as an error too)
 * </pre>
 */
enum Severity {
    INFO(6, 3),
    NOTICE(5, 5),
    MONITORED(4, 7),
    ENFORCED(4, 8),
    LOSS(3, 7);

    final int syslog;
    final int cef;

    Severity(int syslog, int cef) {
        this.syslog = syslog;
        this.cef = cef;
    }

    static Severity of(Event e) {
        if (e.body() instanceof ExportLoss) {
            return LOSS;
        }
        if (e.body() instanceof ProcessAsset a) {
            return a.enforced() ? ENFORCED : a.event().equals("TAINT") ? NOTICE : MONITORED;
        }
        if (!(e.body() instanceof PolicyEvent p)) {
            return INFO;
        }
        KprobeAction a = p.action();
        return switch (a) {
            case SIGKILL, OVERRIDE, SIGNAL, NOTIFYENFORCER -> ENFORCED;
            default -> NOTICE;
        };
    }
}

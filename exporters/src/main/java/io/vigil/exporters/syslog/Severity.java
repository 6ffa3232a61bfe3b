package io.vigil.exporters.syslog;

import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.PolicyEvent;

/**
 * How serious an event is, on syslog's scale (RFC 5424 section 6.2.1) and CEF's (0..10):
 *
 * <pre>
 *  event                                        syslog          CEF
 *  process_exec, process_exit                   6 informational 3
 *  policy event, action POST or other            5 notice        5
 *  policy event that enforced (SIGKILL,          4 warning       8
 *   OVERRIDE, SIGNAL, NOTIFYENFORCER)
 * </pre>
 */
enum Severity {
    INFO(6, 3),
    NOTICE(5, 5),
    ENFORCED(4, 8);

    final int syslog;
    final int cef;

    Severity(int syslog, int cef) {
        this.syslog = syslog;
        this.cef = cef;
    }

    static Severity of(Event e) {
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

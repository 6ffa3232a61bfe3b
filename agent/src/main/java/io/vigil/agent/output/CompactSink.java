package io.vigil.agent.output;

import io.vigil.api.Event;
import io.vigil.api.EventSink;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessExec;
import io.vigil.api.ProcessExit;
import io.vigil.api.ProcessInfo;
import java.io.PrintStream;

/**
 * One line per event for a person at a terminal, as `tetra getevents -o compact` prints them:
 * <pre>
 * 🚀 process 41234 /usr/bin/curl https://example.org
 * 💥 exit    41234 /usr/bin/curl https://example.org 0
 * </pre>
 * An exit shows its status, or the signal that killed it. Policy events: {@link PolicyLine}, e.g.
 * {@code 📬 open    41234 /usr/bin/cat /etc/passwd}.
 */
public final class CompactSink implements EventSink {
    private final PrintStream out;
    private final StringBuilder line = new StringBuilder(256);

    public CompactSink(PrintStream out) {
        this.out = out;
    }

    /** The compact line of an event, without the line break. */
    public static String format(Event event) {
        StringBuilder b = new StringBuilder(128);
        append(b, event);
        return b.toString();
    }

    private static void append(StringBuilder b, Event event) {
        if (event.body() instanceof ProcessExec x) {
            b.append("🚀 process ");
            process(b, x.process());
        } else if (event.body() instanceof ProcessExit x) {
            b.append("💥 exit    ");
            process(b, x.process());
            b.append(' ').append(x.signal() != null && !x.signal().isEmpty() ? x.signal() : Long.toString(x.status()));
        } else if (event.body() instanceof PolicyEvent p) {
            PolicyLine.append(b, p);
        } else if (event.body() instanceof io.vigil.api.ProcessAsset a) {
            b.append(a.enforced() ? "🛑 asset   " : "🔐 asset   ");
            process(b, a.process());
            b.append(' ').append(a.event());
            if (a.asset() != null && !a.asset().path().isEmpty()) {
                b.append(' ').append(a.asset().path());
            }
            if (a.destination() != null) {
                b.append(" -> ").append(a.destination().address()).append(':').append(a.destination().port());
            }
            if (a.budget() != 0) {
                b.append(" budget ").append(a.budget());
            }
            b.append(" (").append(a.policyName()).append(')');
        } else if (event.body() instanceof io.vigil.api.ExportLoss l) {
            b.append("⚠️ export  ").append(l.exporter()).append(" lost ").append(l.lost()).append(" events (")
                    .append(l.reason().json()).append(", ").append(l.total()).append(" in all)");
        } else {
            b.append("❓ ").append(event.body().getClass().getSimpleName());
        }
    }

    private static void process(StringBuilder b, ProcessInfo p) {
        b.append(p.pid()).append(' ').append(p.binary());
        if (!p.arguments().isEmpty()) {
            b.append(' ').append(p.arguments());
        }
    }

    @Override
    public void accept(Event event) {
        line.setLength(0);
        append(line, event);
        out.println(line);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        flush();
    }
}

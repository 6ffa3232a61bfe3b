package io.vigil.bench.export;

import io.vigil.api.Event;
import io.vigil.exporters.remote.RecordEncoder;
import java.lang.management.ManagementFactory;

/** The exporter's encoder alone on this thread, no queue, spool or network: its share of the cost. */
final class EncodeOnly {
    /** CPU of this thread per 100k events (ms) and the mean record size (bytes). */
    record Result(double msPer100k, long bytesPerRecord) {}

    private EncodeOnly() {}

    static Result measure(RecordEncoder encoder, Event[] events, int n) {
        var mx = ManagementFactory.getThreadMXBean();
        long bytes = 0;
        long cpu0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            bytes += encoder.encode(events[i]).payload().length;
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        return new Result(cpu / 1e6 / (n / 100_000.0), bytes / n);
    }
}

package io.vigil.bench.export;

import io.vigil.exporters.remote.SendException;
import io.vigil.exporters.remote.SpoolingExporter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counts what the exporter reports and keeps the first reason, so a failed run says why. */
final class CountingListener implements SpoolingExporter.Listener {
    final AtomicLong lost = new AtomicLong();
    final AtomicLong sendFailures = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicReference<String> firstProblem = new AtomicReference<>();

    @Override
    public void lost(long records, long total, String reason) {
        lost.addAndGet(records);
        firstProblem.compareAndSet(null, "lost " + records + ": " + reason);
    }

    @Override
    public void sendFailed(String sender, SendException.Retriable cause) {
        sendFailures.incrementAndGet();
        firstProblem.compareAndSet(null, "send failed (retried): " + cause.getMessage());
    }

    @Override
    public void refused(String sender, int records, SendException.Fatal cause) {
        refused.addAndGet(records);
        firstProblem.compareAndSet(null, "refused " + records + ": " + cause.getMessage());
    }

    @Override
    public void deadLettered(String sender, int records, SendException.Fatal cause) {
        deadLettered.addAndGet(records);
        firstProblem.compareAndSet(null, "dead-lettered " + records + ": " + cause.getMessage());
    }
}

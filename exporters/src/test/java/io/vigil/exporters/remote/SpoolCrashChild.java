package io.vigil.exporters.remote;

import io.vigil.exporters.TestEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The process {@link SpoolKillTest} kills with SIGKILL: an exporter with the queue capacity of
 * {@code args[1]} (0 spools every record) whose receiver takes the first {@link #DELIVERED} records,
 * then is down.
 * Prints "acked" once those are acknowledged, and "accepted N" every 1,000 events, forever.
 */
public final class SpoolCrashChild {
    static final int DELIVERED = 2000;
    static final int BATCH = 100;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        RecordSender sender = new RecordSender() {
            private int delivered;
            private boolean told;

            @Override
            public void send(List<Record> batch) throws SendException {
                if (delivered >= DELIVERED) {
                    if (!told) {
                        told = true; // called again only after the previous batch was acknowledged
                        System.out.println("acked " + delivered);
                        System.out.flush();
                    }
                    throw new SendException.Retriable("receiver down", null);
                }
                delivered += batch.size();
            }

            @Override
            public String name() {
                return "crash-child";
            }

            @Override
            public void close() {
            }
        };
        DiskSpool spool = DiskSpool.open(new SpoolOptions(dir, 1L << 30, 1 << 20, FsyncPolicy.never()));
        QueueOptions q = new QueueOptions(Integer.parseInt(args[1]), BATCH, 1 << 20, Duration.ZERO, Duration.ofMillis(10), Duration.ZERO);
        SpoolingExporter e = SpoolingExporter.start(new JsonRecordEncoder(), sender, spool, q, null);
        for (int i = 0; ; i++) {
            e.accept(event(i));
            if ((i + 1) % 1000 == 0) {
                System.out.println("accepted " + (i + 1));
                System.out.flush();
            }
        }
    }

    static io.vigil.api.Event event(int i) {
        return TestEvents.exec(100_000 + i, "/bin/sh", "-c " + i);
    }
}

package io.vigil.bench.export;

import io.vigil.exporters.remote.RecordEncoder;
import io.vigil.exporters.remote.RecordSender;

/**
 * A real receiver started for the benchmark, with the encoder and sender that {@code vigil run}
 * would aim at it (as RemoteExportFlags builds them), and a count of what it holds, taken on its side.
 */
interface Receiver extends AutoCloseable {
    /** The exporter's name, as RemoteExportFlags names it: also the spool directory's. */
    String exporter();

    /** What runs and how it is reached, for the output. */
    String describe();

    /** Starts a fresh destination for one run (data stream, topic, or a new line-count baseline); returns its name. */
    String newRun(int run) throws Exception;

    RecordEncoder encoder();

    /** A new sender for the current run's destination. */
    RecordSender sender();

    /** Records of the current run the receiver holds now. */
    long count() throws Exception;

    /** CPU time (ns) of the receiver's own process; -1 when it runs inside this JVM (then it is in the JVM's CPU). */
    long cpuNanos();

    @Override
    void close() throws Exception;
}

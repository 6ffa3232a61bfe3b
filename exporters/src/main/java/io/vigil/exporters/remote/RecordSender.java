package io.vigil.exporters.remote;

import java.util.List;

/**
 * The client side of one receiver (Elasticsearch, syslog, Kafka). Called from one thread, the
 * exporter's sender thread; retries, spooling and queueing are the caller's job (see the exporter
 * that wraps a sender), never the sender's.
 */
public interface RecordSender extends AutoCloseable {

    /**
     * Delivers the batch, in order. Returns only once the receiver has accepted every record
     * (durably, as far as the protocol says); otherwise throws and the caller retries the whole
     * batch, which the records' ids make safe.
     *
     * @throws SendException.Retriable the receiver is down or overloaded: try again later
     * @throws SendException.Fatal     retrying cannot help (auth refused, mapping rejected)
     */
    void send(List<Record> batch) throws SendException;

    /** A short name for logs, metrics and {@code vigil status} ("elasticsearch", "syslog", "kafka"). */
    String name();

    @Override
    void close();
}

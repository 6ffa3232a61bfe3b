package io.vigil.exporters.remote;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A receiver for tests: fails the next N calls (retriable or fatal), or all while down; keeps what it got. */
class FakeSender implements RecordSender {
    final List<Record> received = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    volatile int failRetriable;
    volatile int failFatal;
    volatile boolean down;
    volatile int calls;
    volatile boolean closed;

    static FakeSender failingRetriable(int n) {
        FakeSender s = new FakeSender();
        s.failRetriable = n;
        return s;
    }

    @Override
    public void send(List<Record> batch) throws SendException {
        calls++;
        if (down) {
            throw new SendException.Retriable("receiver down", null);
        }
        if (failRetriable > 0) {
            failRetriable--;
            throw new SendException.Retriable("temporary failure", null);
        }
        if (failFatal > 0) {
            failFatal--;
            throw new SendException.Fatal("refused", null);
        }
        batchSizes.add(batch.size());
        received.addAll(batch);
    }

    List<String> receivedIds() {
        synchronized (received) {
            return received.stream().map(Record::id).toList();
        }
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public void close() {
        closed = true;
    }
}

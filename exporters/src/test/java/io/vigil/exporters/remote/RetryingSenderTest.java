package io.vigil.exporters.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryingSenderTest {
    private final List<Long> slept = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private final Sleeper fakeSleeper = nanos -> {
        slept.add(nanos);
        clock.addAndGet(nanos);
    };
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 5, new Random(3));

    static List<Record> batch(int n) {
        List<Record> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            b.add(new Record("id" + i, "k", ("payload " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return b;
    }

    @Test
    void retriesARetriableFailureWithBackoffUntilItSucceeds() throws Exception {
        FakeSender fake = FakeSender.failingRetriable(3);
        List<Integer> attempts = new ArrayList<>();
        RetryingSender.Listener l = new RetryingSender.Listener() {
            @Override
            public void retrying(String sender, int attempt, long delayNanos, SendException.Retriable cause) {
                attempts.add(attempt);
            }
        };
        RetryingSender s = new RetryingSender(fake, backoff, fakeSleeper, clock::get, DeadLetters.counting(), l);
        s.send(batch(4));
        assertEquals(4, fake.calls, "3 failures then a success");
        assertEquals(List.of(1, 2, 3), attempts);
        assertEquals(3, slept.size());
        for (int i = 0; i < 3; i++) {
            assertTrue(slept.get(i) <= backoff.ceilingNanos(i), "delay " + i + " under its ceiling");
        }
        assertEquals(4, fake.received.size());
        assertEquals(3, s.retries());
        assertEquals(0, s.failingForNanos(), "healthy again");
        assertEquals(4, s.sentRecords());
    }

    @Test
    void givesBackTheFailureWhenTheBackoffRunsOut() {
        FakeSender fake = new FakeSender();
        fake.down = true;
        RetryingSender s = new RetryingSender(fake, backoff, fakeSleeper, clock::get, DeadLetters.counting(), null);
        assertThrows(SendException.Retriable.class, () -> s.send(batch(2)));
        assertEquals(6, fake.calls, "the first attempt and maxRetries=5 retries, then up to the caller");
        assertEquals(1, s.exhausted());
        assertEquals(clock.get(), s.failingForNanos(), "failing since the first attempt at t=0");
        assertTrue(s.failingForNanos() > 0);
    }

    @Test
    void fatalGoesToTheDeadLettersOnceAndIsNotRetried(@TempDir Path dir) throws Exception {
        FakeSender fake = new FakeSender();
        fake.failFatal = 1;
        List<String> told = new ArrayList<>();
        RetryingSender.Listener l = new RetryingSender.Listener() {
            @Override
            public void deadLettered(String sender, int records, SendException.Fatal cause) {
                told.add(sender + ":" + records + ":" + cause.getMessage());
            }
        };
        DeadLetterFile dlq = new DeadLetterFile(dir.resolve("dead.jsonl"),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        RetryingSender s = new RetryingSender(fake, backoff, fakeSleeper, clock::get, dlq, l);
        s.send(batch(3)); // returns: the batch is done with
        assertEquals(1, fake.calls);
        assertTrue(slept.isEmpty(), "no wait before giving up on a fatal error");
        assertEquals(List.of("fake:3:refused"), told);
        assertEquals(3, dlq.count());
        assertEquals(1, s.fatalBatches());
        List<String> lines = Files.readAllLines(dlq.path());
        assertEquals(3, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals("id0", first.get("id").asText());
        assertEquals("refused", first.get("reason").asText());
        assertEquals("payload 0", new String(first.get("payload_b64").binaryValue(), StandardCharsets.UTF_8));
        s.send(batch(1));
        assertEquals(1, fake.received.size(), "the next batch goes through");
        s.close();
        assertTrue(fake.closed);
    }

    @Test
    void aBugInTheSenderIsDeadLetteredNotLoopedOn() throws Exception {
        RecordSender throwing = new FakeSender() {
            @Override
            public void send(List<Record> batch) {
                calls++;
                throw new IllegalStateException("bug");
            }
        };
        DeadLetters dl = DeadLetters.counting();
        RetryingSender s = new RetryingSender(throwing, backoff, fakeSleeper, clock::get, dl, null);
        s.send(batch(2));
        assertEquals(2, dl.count());
        assertEquals(1, ((FakeSender) throwing).calls);
    }

    @Test
    void anInterruptDuringTheBackoffEndsTheRetries() {
        FakeSender fake = new FakeSender();
        fake.down = true;
        Sleeper interrupted = nanos -> {
            throw new InterruptedException();
        };
        RetryingSender s = new RetryingSender(fake, backoff.withMaxRetries(Backoff.UNLIMITED), interrupted,
                clock::get, DeadLetters.counting(), null);
        SendException.Retriable e = assertThrows(SendException.Retriable.class, () -> s.send(batch(1)));
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller (and cleared here)");
        assertEquals(1, fake.calls);
    }
}

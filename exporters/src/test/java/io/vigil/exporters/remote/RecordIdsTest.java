package io.vigil.exporters.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.api.Event;
import io.vigil.api.json.EventJsonWriter;
import io.vigil.exporters.TestEvents;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordIdsTest {

    @Test
    void idIsTheTruncatedSha256OfTheCanonicalJsonInBase64url() throws Exception {
        Event e = TestEvents.exec(42, "/bin/sh", "-c true");
        String json = EventJsonWriter.uncached().toJson(e);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        Record r = new JsonRecordEncoder().encode(e);
        assertEquals(expected, r.id());
        assertEquals(22, r.id().length());
        assertTrue(r.id().matches("[A-Za-z0-9_-]{22}"), r.id());
        assertArrayEquals(json.getBytes(StandardCharsets.UTF_8), r.payload(), "payload is the Tetragon JSON");
        assertEquals("id42", r.key(), "key is the exec_id");
    }

    @Test
    void sameEventSameIdAcrossEncodersAndCalls() {
        Event e = TestEvents.kprobe(7, "/usr/bin/cat", "file-monitoring");
        JsonRecordEncoder a = new JsonRecordEncoder();
        String first = a.encode(e).id();
        a.encode(TestEvents.exit(9, "/bin/true")); // state in between must not matter
        assertEquals(first, a.encode(e).id());
        assertEquals(first, new JsonRecordEncoder().encode(e).id(), "another encoder (a restarted agent)");
        assertEquals(first, new JsonRecordEncoder(EventJsonWriter.uncached()).encode(e).id());
    }

    @Test
    void differentEventsDifferentIds() {
        JsonRecordEncoder enc = new JsonRecordEncoder();
        Set<String> ids = new HashSet<>();
        for (int pid = 1; pid <= 10_000; pid++) {
            ids.add(enc.encode(TestEvents.exec(pid, "/bin/sh", "")).id());
        }
        assertEquals(10_000, ids.size());
        assertNotEquals(enc.encode(TestEvents.exec(1, "/bin/sh", "")).id(),
                enc.encode(TestEvents.exec(1, "/bin/sh", "x")).id(), "one argument apart");
    }
}

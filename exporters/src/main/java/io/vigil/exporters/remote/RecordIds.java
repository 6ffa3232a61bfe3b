package io.vigil.exporters.remote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Deterministic record ids: the first 128 bits of the SHA-256 of the event's canonical JSON (the
 * Tetragon-shaped line {@link io.vigil.api.json.EventJsonWriter} writes, without its line break),
 * base64url without padding: 22 characters such as {@code 3q2-7wAAAAB0ZXN0aW5nMQ}.
 *
 * <p>The same event gives the same id on every retry, after a restart that replays the spool, and on
 * another agent that serialises it the same way, so a receiver that keys documents by id
 * (Elasticsearch {@code _id}, a SIEM's dedup on {@code externalId}) stores it once:
 * at-least-once delivery plus idempotent ids is exactly once in the index. 128 bits make an accidental
 * collision negligible (birthday bound near 2^64 events). Two events are only given the same id when
 * their JSON is identical, time to the nanosecond included, in which case they are the same event.
 */
public final class RecordIds {
    /** Bytes of the digest kept. */
    public static final int BYTES = 16;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private RecordIds() {}

    /** The id of a canonical JSON document (UTF-8, no trailing newline). */
    public static String of(byte[] canonicalJson) {
        return of(canonicalJson, 0, canonicalJson.length);
    }

    public static String of(byte[] buf, int off, int len) {
        MessageDigest sha = sha256();
        sha.update(buf, off, len);
        return B64.encodeToString(Arrays.copyOf(sha.digest(), BYTES));
    }

    public static String of(String canonicalJson) {
        return of(canonicalJson.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

package io.vigil.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.api.Event;
import io.vigil.api.json.EventJsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A policy's events as the agent writes them (Tetragon JSON), per process: the waits and the
 * near-miss check of the end-to-end policy kernel tests. A policy event is the object inside
 * process_kprobe, process_tracepoint or process_lsm.
 */
public final class PolicyEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventJsonWriter WRITER = new EventJsonWriter();
    private static final List<String> KINDS = List.of("process_kprobe", "process_tracepoint", "process_lsm");

    private final CapturingSink sink;
    /** Policy events converted so far, and how many of the sink's events that covers: each is converted once. */
    private final List<Map.Entry<String, JsonNode>> converted = new ArrayList<>();
    private int consumed;

    public PolicyEvents(CapturingSink sink) {
        this.sink = sink;
    }

    /** The policy's events of process pid, or of its children running childBinary when that is not null. */
    public List<JsonNode> of(String policy, long pid, String childBinary) {
        List<JsonNode> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : all()) {
            JsonNode n = e.getValue();
            if (!policy.equals(n.path("policy_name").asText())) {
                continue;
            }
            JsonNode proc = n.get("process");
            boolean mine = proc.path("pid").asLong() == pid
                    || (childBinary != null && n.at("/parent/pid").asLong() == pid
                            && proc.path("binary").asText().endsWith("/" + childBinary));
            if (mine) {
                out.add(n);
            }
        }
        return out;
    }

    public List<JsonNode> of(String policy, long pid) {
        return of(policy, pid, null);
    }

    /** Waits for the policy's first event of pid. */
    public JsonNode awaitOne(String policy, long pid) throws InterruptedException {
        return awaitOne(policy, pid, null);
    }

    public JsonNode awaitOne(String policy, long pid, String childBinary) throws InterruptedException {
        return await(policy, pid, childBinary, n -> true);
    }

    /** Waits for the policy's first event of pid that which accepts. */
    public JsonNode await(String policy, long pid, Predicate<JsonNode> which) throws InterruptedException {
        return await(policy, pid, null, which);
    }

    private JsonNode await(String policy, long pid, String childBinary, Predicate<JsonNode> which)
            throws InterruptedException {
        long end = System.nanoTime() + PolicyKernelTests.WAIT.toNanos();
        while (true) {
            for (JsonNode n : of(policy, pid, childBinary)) {
                if (which.test(n)) {
                    return n;
                }
            }
            assertTrue(System.nanoTime() < end, "no matching " + policy + " event for pid " + pid + "; policy events seen:\n"
                    + seen());
            Thread.sleep(20);
        }
    }

    /** A near miss: after the quiet period the policy has no event of pid. */
    public void assertNone(String policy, long pid) throws InterruptedException {
        assertNone(policy, pid, null);
    }

    public void assertNone(String policy, long pid, String childBinary) throws InterruptedException {
        Thread.sleep(PolicyKernelTests.QUIET.toMillis());
        List<JsonNode> found = of(policy, pid, childBinary);
        assertTrue(found.isEmpty(), "a near miss fired " + policy + " for pid " + pid + ":\n"
                + found.stream().map(JsonNode::toString).collect(Collectors.joining("\n")));
    }

    /** Waits for count events of the policy and pid, then the quiet period; all of them. */
    public List<JsonNode> awaitCount(String policy, long pid, int count) throws InterruptedException {
        long end = System.nanoTime() + PolicyKernelTests.WAIT.toNanos();
        while (of(policy, pid).size() < count && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        Thread.sleep(PolicyKernelTests.QUIET.toMillis());
        List<JsonNode> found = of(policy, pid);
        assertFalse(found.size() < count, "expected " + count + " " + policy + " events of pid " + pid + "; seen:\n" + seen());
        return found;
    }

    /** Waits for the policy's first event, of any process, that which accepts. */
    public JsonNode awaitAny(String policy, Predicate<JsonNode> which) throws InterruptedException {
        long end = System.nanoTime() + PolicyKernelTests.WAIT.toNanos();
        while (true) {
            for (JsonNode n : ofPolicy(policy)) {
                if (which.test(n)) {
                    return n;
                }
            }
            assertTrue(System.nanoTime() < end, "no matching " + policy + " event; policy events seen:\n" + seen());
            Thread.sleep(20);
        }
    }

    /** A near miss: after the quiet period the policy has no event, of any process, that which accepts. */
    public void assertNoneAny(String policy, Predicate<JsonNode> which) throws InterruptedException {
        Thread.sleep(PolicyKernelTests.QUIET.toMillis());
        List<JsonNode> found = ofPolicy(policy).stream().filter(which).toList();
        assertTrue(found.isEmpty(), "a near miss fired " + policy + ":\n"
                + found.stream().map(JsonNode::toString).collect(Collectors.joining("\n")));
    }

    /** Every event of the policy so far. */
    public List<JsonNode> ofPolicy(String policy) {
        return all().stream().map(Map.Entry::getValue).filter(n -> policy.equals(n.path("policy_name").asText())).toList();
    }

    /** Every policy event so far, one line each, for failure messages. */
    public String seen() {
        return all().stream().map(e -> e.getKey() + " " + e.getValue().path("policy_name").asText() + " pid "
                        + e.getValue().at("/process/pid").asText() + " " + e.getValue().path("function_name").asText()
                        + e.getValue().path("event").asText() + " " + e.getValue().path("args") + " "
                        + e.getValue().path("action").asText())
                .collect(Collectors.joining("\n"));
    }

    /** (kind, object) of every policy event so far. */
    private synchronized List<Map.Entry<String, JsonNode>> all() {
        List<Event> events = sink.all();
        for (Event ev : events.subList(consumed, events.size())) {
            JsonNode j = json(ev);
            for (String k : KINDS) {
                if (j.has(k)) {
                    converted.add(Map.entry(k, j.get(k)));
                }
            }
        }
        consumed = events.size();
        return new ArrayList<>(converted);
    }

    /** The kind (process_kprobe ...) of the policy's first event, or empty text. */
    public String kindOf(String policy) {
        return all().stream().filter(e -> policy.equals(e.getValue().path("policy_name").asText())).map(Map.Entry::getKey)
                .findFirst().orElse("");
    }

    public static JsonNode json(Event e) {
        try {
            return JSON.readTree(WRITER.toJson(e));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}

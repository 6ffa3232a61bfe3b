package io.vigil.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.exporters.elasticsearch.ElasticsearchOptions;
import io.vigil.exporters.elasticsearch.ElasticsearchServer;
import io.vigil.exporters.remote.DiskSpool;
import io.vigil.exporters.remote.QueueOptions;
import io.vigil.exporters.remote.SpoolOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The outage test of the Elasticsearch export, end to end: a real Elasticsearch node
 * ({@link ElasticsearchServer}, from the exporters module's test-jar), the agent as its own process
 * ({@code VigilCli run --export-elasticsearch ... --spool-dir ...}), and a steady flow of
 * {@code /bin/true vigil-outage-<n>} execs, each process_exec carrying its own n.
 *
 * <pre>
 *  ES up ──── kill -9 ES ─────────────── kill -9 agent ── agent again ──── ES again ──── flow stops ── drained
 *  flow ──────────────────────────────────────────────────────────────────────────────────▶
 *                       queue moved to the spool, new events too    │ read the spool here (DiskSpool)
 * </pre>
 *
 * What "accepted" means, and so what may be lost: from the receiver's first failed attempt the
 * exporter moves its memory queue to the spool and spools every new event, so what the first agent
 * held in memory when it was killed is the batch being retried and the record carried for the next
 * one, and those are gone, by design (SpoolingExporter's javadoc); an event written to the spool is not. The spooled set is read from the spool's segment files with
 * {@link DiskSpool} after the kill and before the second agent opens them. The assertions:
 * <ul>
 *   <li>no event is stored twice (no two exec documents with the same n and the same exec_id): the
 *       exporter's exactly-once;
 *   <li>no exec is there as two events (one n, two exec_ids): the agent's side of "every event once",
 *       checked separately because the cause is elsewhere (a restarted agent's /proc seed reporting a
 *       process that its exec sensor, attached first, reports too);
 *   <li>every n spooled by the first agent is in the index;
 *   <li>every n the second agent wrote to its export file is in the index (it stays up to deliver);
 *   <li>what the first agent saw (its export file) but the index lacks is no more than its memory held:
 *       one batch + the carried record.
 * </ul>
 * Run (as root, about 2.5 min): {@code mvn -o -pl agent -am test -Dtest=ElasticsearchOutageKernelTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. With {@code -am} the agent's class path (which the agent
 * process is started on) is this checkout's target/classes, not whatever snapshot ~/.m2 holds; the
 * exporters module's generate-test-resources fills exporters/target/es-home. The temporary directory
 * (agent logs, export files, the node's log, the spool) is kept when the test fails.
 */
@Tag("kernel")
@Tag("host-only")   // needs the Elasticsearch node the host build unpacks; nothing in it depends on the kernel's backend
class ElasticsearchOutageKernelTest {
    private static final String MARK = "vigil-outage-";
    private static final Pattern MARKED = Pattern.compile(Pattern.quote(MARK) + "(\\d+)");
    private static final String STREAM = ElasticsearchOptions.DEFAULT_DATA_STREAM;
    /**
     * What a killed agent may hold in memory for one exporter during an outage: the batch being retried
     * and the carried record (the queue went to the spool at the first failed attempt).
     */
    private static final int MEMORY_BOUND = QueueOptions.DEFAULTS.maxBatchRecords() + 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void spoolSurvivesAgentKillDuringOutageAndIndexHoldsEachEventOnce() throws Exception {
        KernelTestSupport.requireRoot();
        Path esHome = Path.of("..", "exporters", "target", "es-home").toAbsolutePath().normalize();
        if (!Files.isDirectory(esHome.resolve("lib"))) {
            fail(esHome + " is missing: build the reactor first (mvn install -DskipTests)");
        }
        System.setProperty("vigil.es.home", esHome.toString());
        Path base = Files.createTempDirectory("vigil-outage-test-");
        // the node runs as nobody: it must reach its run directory
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path spoolRoot = base.resolve("spool");
        Path spool = spoolRoot.resolve("elasticsearch");
        List<Process> started = new ArrayList<>();
        boolean passed = false;
        try (ElasticsearchServer es = ElasticsearchServer.start(base.resolve("es"))) {
            URI url = es.url();
            Process agent1 = startAgent(url, spoolRoot, base, 1);
            started.add(agent1);
            Process flow = startFlow(base);
            started.add(flow);

            // 1. ES up: the export works
            awaitIndexed(url, Duration.ofSeconds(60));
            Thread.sleep(3000);

            // 2. ES down (kill -9): from the first failed attempt, the queue and new events go to the spool
            killElasticsearch();
            long outageStart = System.nanoTime();
            long spooledBytes = awaitSpooled(spool, 512 * 1024, Duration.ofSeconds(90), agent1);
            Thread.sleep(2000);
            System.out.printf("outage: %d spooled bytes after %d s%n", spooledBytes,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStart));

            // 3. kill -9 the agent in the middle of the outage; read what it spooled
            agent1.destroyForcibly(); // SIGKILL
            assertTrue(agent1.waitFor(30, TimeUnit.SECONDS), "agent 1 did not die");
            SpoolContent spooled = readSpool(spool);
            Set<Long> seen1 = exportFileMarks(base.resolve("events-1.json"));

            // 4. the agent again, same spool, ES still down
            Process agent2 = startAgent(url, spoolRoot, base, 2);
            started.add(agent2);
            Thread.sleep(8000);

            // 5. ES again, same data; then the flow stops
            es.restart();
            Thread.sleep(5000);
            long generated = stopFlow(flow, base);
            Thread.sleep(2500); // the export file flushes within 1 s
            Set<Long> seen2 = exportFileMarks(base.resolve("events-2.json"));

            // 6. wait for the second agent to deliver what it must, then count
            Set<Long> required = new TreeSet<>(spooled.marks);
            required.addAll(seen2);
            awaitIndexHolds(url, required, Duration.ofSeconds(90), agent2);
            Thread.sleep(3000); // anything still in flight (a duplicate would come now)
            Map<Long, List<String>> index = indexedMarks(url);

            Set<Long> spooledMissing = missing(spooled.marks, index);
            Set<Long> seen2Missing = missing(seen2, index);
            Set<Long> seen1Missing = missing(seen1, index);
            // one event stored twice (same exec_id): the exporter's exactly-once broken
            Map<Long, List<String>> storedTwice = index.entrySet().stream()
                    .filter(e -> new HashSet<>(e.getValue()).size() != e.getValue().size())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            // one exec reported as two events (two exec_ids for one n): the agent's, not the exporter's
            Map<Long, List<String>> reportedTwice = index.entrySet().stream()
                    .filter(e -> new HashSet<>(e.getValue()).size() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            System.out.printf("generated %d execs (n = 1..%d)%n", generated, generated);
            System.out.printf("agent 1: %d marked execs in its export file; spool at kill: %d records, %d marked execs (n %s)%n",
                    seen1.size(), spooled.records, spooled.marks.size(), range(spooled.marks));
            System.out.printf("agent 2: %d marked execs in its export file (n %s)%n", seen2.size(), range(seen2));
            System.out.printf("index: %d distinct marked execs, %d documents; n stored twice (same exec_id): %s;"
                            + " n reported twice (two exec_ids): %s%n",
                    index.size(), index.values().stream().mapToInt(List::size).sum(), storedTwice, reportedTwice);
            System.out.printf("missing from the index: spooled %d, agent-2-seen %d, agent-1-seen %d (memory at kill, allowed up to %d records)%n",
                    spooledMissing.size(), seen2Missing.size(), seen1Missing.size(), MEMORY_BOUND);

            assertTrue(spooled.marks.size() > 0, "nothing marked was spooled before the kill: the test proved nothing");
            assertTrue(!seen1.isEmpty() && !seen2.isEmpty(), "an export file without marked execs: the flow was not seen");
            assertEquals(Map.of(), storedTwice, "an event stored more than once (n -> exec_ids of its documents)");
            assertEquals(Map.of(), reportedTwice, "one exec indexed as several process_exec events with different"
                    + " exec_ids (n -> exec_ids); look for flags procFS next to a kernel exec in events-*.json: the"
                    + " agent's /proc seed at start-up saw a process the exec sensor reported too");
            assertEquals(Set.of(), spooledMissing, "spooled before the kill -9 but not in the index");
            assertEquals(Set.of(), seen2Missing, "seen by the restarted agent but not in the index");
            assertTrue(seen1Missing.size() <= MEMORY_BOUND, "agent 1 lost " + seen1Missing.size()
                    + " events: more than its memory could hold (" + MEMORY_BOUND + ")");
            for (long n : index.keySet()) {
                assertTrue(n >= 1 && n <= generated, "indexed n " + n + " was never generated");
            }
            passed = true;
        } finally {
            for (Process p : started) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            if (passed) {
                deleteTree(base);
            } else {
                System.err.println("kept for a look: " + base + " (agent-*.log, events-*.json, es/node.log, spool/)");
            }
        }
    }

    // ------------------------------------------------------------------ the agent

    /** {@code VigilCli run} in its own JVM, on this test's class path; returns once it logs "agent running". */
    private static Process startAgent(URI es, Path spoolRoot, Path base, int run) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = base.resolve("agent-" + run + ".log");
        // its own directory: the control server makes the socket's directory 0700, and the node (nobody)
        // must still get through base
        List<String> cmd = List.of(java, "-XX:+UseSerialGC", "-Xms64m", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.vigil.agent.cli.VigilCli", "run",
                "--export-elasticsearch", es.toString(), "--spool-dir", spoolRoot.toString(),
                "--export-file", base.resolve("events-" + run + ".json").toString(), "--export-file-max-size-mb", "0",
                "--policy-dir", "none", "--socket", base.resolve("control-" + run).resolve("vigil.sock").toString(),
                "-o", "none", "--log-format", "text");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("agent " + run + " exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            if (Files.exists(log) && Files.readString(log).contains("agent running")) {
                return p;
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        fail("agent " + run + " did not start within 90 s:\n" + Files.readString(log));
        return p;
    }

    // ------------------------------------------------------------------ the flow

    /** A shell loop exec'ing {@code /bin/true vigil-outage-<n>}, n = 1, 2 ... until the file "stop" exists. */
    private static Process startFlow(Path base) throws IOException {
        String script = "i=0; while [ ! -e '" + base.resolve("stop") + "' ]; do i=$((i+1)); /bin/true " + MARK
                + "$i; done; echo $i > '" + base.resolve("generated") + "'";
        return new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static long stopFlow(Process flow, Path base) throws Exception {
        Files.createFile(base.resolve("stop"));
        assertTrue(flow.waitFor(30, TimeUnit.SECONDS), "the flow did not stop");
        return Long.parseLong(Files.readString(base.resolve("generated")).strip());
    }

    // ------------------------------------------------------------------ Elasticsearch

    private static void killElasticsearch() throws Exception {
        List<ProcessHandle> nodes = ProcessHandle.current().children()
                .filter(h -> h.info().commandLine().orElse("").contains("org.elasticsearch.bootstrap.Elasticsearch"))
                .toList();
        assertEquals(1, nodes.size(), "Elasticsearch node processes among the children: " + nodes);
        ProcessHandle node = nodes.get(0);
        node.destroyForcibly(); // SIGKILL
        node.onExit().get(30, TimeUnit.SECONDS);
    }

    private static void awaitIndexed(URI es, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!indexedMarks(es).isEmpty()) {
                return;
            }
            Thread.sleep(1000);
        }
        fail("no marked exec reached Elasticsearch within " + timeout);
    }

    private static Map<Long, List<String>> awaitIndexHolds(URI es, Set<Long> required, Duration timeout, Process agent)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Long, List<String>> index = Map.of();
        while (System.nanoTime() < deadline) {
            index = indexedMarks(es);
            if (index.keySet().containsAll(required)) {
                return index;
            }
            assertTrue(agent.isAlive(), "the restarted agent died");
            Thread.sleep(2000);
        }
        return index; // the assertions report what is missing
    }

    /**
     * n -> the process.entity_id (exec_id) of each exec document carrying vigil-outage-n, over the whole
     * data stream (refresh, then scroll).
     */
    private static Map<Long, List<String>> indexedMarks(URI es) throws Exception {
        HttpResponse<String> refresh = send(es, "POST", "/" + STREAM + "/_refresh", null);
        if (refresh.statusCode() == 404) {
            return Map.of();
        }
        String query = """
                {"size": 5000, "_source": ["process.args", "process.entity_id"],
                 "query": {"bool": {"filter": [{"term": {"event.action": "exec"}},
                                               {"prefix": {"process.args": "%s"}}]}}}
                """.formatted(MARK);
        HttpResponse<String> r = send(es, "POST", "/" + STREAM + "/_search?scroll=1m", query);
        assertEquals(200, r.statusCode(), r.body());
        Map<Long, List<String>> docs = new HashMap<>();
        JsonNode page = JSON.readTree(r.body());
        String scrollId = page.path("_scroll_id").asText();
        try {
            while (page.path("hits").path("hits").size() > 0) {
                for (JsonNode hit : page.path("hits").path("hits")) {
                    for (JsonNode arg : hit.path("_source").path("process").path("args")) {
                        Matcher m = MARKED.matcher(arg.asText());
                        if (m.matches()) {
                            docs.computeIfAbsent(Long.parseLong(m.group(1)), k -> new ArrayList<>())
                                    .add(hit.path("_source").path("process").path("entity_id").asText());
                        }
                    }
                }
                r = send(es, "POST", "/_search/scroll",
                        JSON.createObjectNode().put("scroll", "1m").put("scroll_id", scrollId).toString());
                assertEquals(200, r.statusCode(), r.body());
                page = JSON.readTree(r.body());
                scrollId = page.path("_scroll_id").asText();
            }
        } finally {
            send(es, "DELETE", "/_search/scroll", JSON.createObjectNode().put("scroll_id", scrollId).toString());
        }
        return docs;
    }

    private static HttpResponse<String> send(URI es, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(es.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------ the spool and the export file

    private record SpoolContent(long records, Set<Long> marks) {}

    /**
     * Polls every unacknowledged record of the dead agent's spool (an open recovers the directory as the
     * agent's next start will: a torn tail is cut; nothing is acknowledged here).
     */
    private static SpoolContent readSpool(Path dir) throws IOException {
        long records = 0;
        Set<Long> marks = new TreeSet<>();
        try (DiskSpool spool = DiskSpool.open(SpoolOptions.defaults(dir))) {
            for (DiskSpool.Spooled s = spool.poll(); s != null; s = spool.poll()) {
                records++;
                JsonNode doc = JSON.readTree(s.record().payload());
                if ("exec".equals(doc.path("event").path("action").asText())) {
                    for (JsonNode arg : doc.path("process").path("args")) {
                        Matcher m = MARKED.matcher(arg.asText());
                        if (m.matches()) {
                            marks.add(Long.parseLong(m.group(1)));
                        }
                    }
                }
            }
        }
        return new SpoolContent(records, marks);
    }

    private static long awaitSpooled(Path dir, long bytes, Duration timeout, Process agent) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long size = 0;
        while (System.nanoTime() < deadline) {
            size = segmentBytes(dir);
            if (size >= bytes) {
                return size;
            }
            assertTrue(agent.isAlive(), "the agent died during the outage");
            Thread.sleep(500);
        }
        if (size == 0) {
            fail("the agent spooled nothing within " + timeout + " of the outage");
        }
        return size;
    }

    private static long segmentBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            long sum = 0;
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".seg"))::iterator) {
                sum += Files.size(f);
            }
            return sum;
        }
    }

    /** The marks of the process_exec lines of an export file (Tetragon JSON); a torn last line is skipped. */
    private static Set<Long> exportFileMarks(Path file) throws IOException {
        Set<Long> marks = new TreeSet<>();
        if (!Files.exists(file)) {
            return marks;
        }
        for (String line : Files.readAllLines(file)) {
            JsonNode e;
            try {
                e = JSON.readTree(line);
            } catch (IOException torn) {
                continue;
            }
            Matcher m = MARKED.matcher(e.path("process_exec").path("process").path("arguments").asText());
            if (m.matches()) {
                marks.add(Long.parseLong(m.group(1)));
            }
        }
        return marks;
    }

    private static Set<Long> missing(Set<Long> expected, Map<Long, List<String>> index) {
        Set<Long> out = new TreeSet<>(expected);
        out.removeAll(index.keySet());
        return out;
    }

    private static String range(Set<Long> marks) {
        if (marks.isEmpty()) {
            return "none";
        }
        TreeSet<Long> t = new TreeSet<>(marks);
        return t.first() + ".." + t.last();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        }
    }
}

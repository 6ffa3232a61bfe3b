package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.agent.cli.VigilCli;
import io.vigil.agent.control.ControlServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `vigil policy list|add|delete|set-mode` and `vigil status` through a real control socket to a manager. */
class PolicyControlTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final RecordingInstaller inst = new RecordingInstaller();
    final PolicyManager manager = new PolicyManager(inst);
    ControlServer server;
    Path sock;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void serve() throws Exception {
        sock = dir.resolve("run/vigil.sock");
        server = new ControlServer(sock);
        PolicyControl.register(server, manager);
        server.register("status", req -> statusLike()).start();
    }

    /** The fields `vigil status` prints, with the policies as the agent reports them. */
    private JsonNode statusLike() throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree("{\"pid\":42,\"node_name\":\"n1\",\"uptime_seconds\":3,"
                + "\"backend\":\"tracepoint\",\"backend_source\":\"forced\",\"sensors\":[],\"kernel\":{},"
                + "\"pipeline\":{},\"cache\":{},\"lost_total\":0}");
        s.set("policies", PolicyControl.list(manager));
        s.withObjectProperty("policies").put("directory", "/etc/vigil/tracing-policies");
        return s;
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    Run vigil(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new VigilCli()).execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), withoutLogs(e.toString(StandardCharsets.UTF_8)));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** The server side runs in this JVM: its JSON log lines land on the same stderr. */
    private static String withoutLogs(String err) {
        StringBuilder b = new StringBuilder();
        err.lines().filter(l -> !l.startsWith("{\"@timestamp\"")).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    Run policy(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "policy";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--socket";
        all[args.length + 2] = sock.toString();
        return vigil(all);
    }

    @Test
    void addListSetModeDelete() throws Exception {
        Path good = Files.writeString(dir.resolve("open.yaml"), PolicyManagerTest.policy("watch-open", "sys_openat"));

        Run empty = policy("list");
        assertEquals(0, empty.exit(), empty.err());
        assertEquals(1, empty.out().lines().count(), "only the header: " + empty.out());

        Run add = policy("add", good.toString());
        assertEquals(0, add.exit(), add.err());
        assertEquals("added " + good + "\n", add.out());
        assertEquals(List.of("install watch-open sys_openat enforce"), inst.log);

        Run list = policy("list");
        assertEquals(0, list.exit(), list.err());
        String row = list.out().lines().skip(1).findFirst().orElseThrow();
        assertEquals(List.of("watch-open", "enforce", "running", "control", "1", good.toString()),
                List.of(row.trim().split(" +")), list.out());

        Run monitor = policy("set-mode", "watch-open", "monitor");
        assertEquals(0, monitor.exit(), monitor.err());
        assertEquals(List.of("install watch-open sys_openat enforce", "install watch-open sys_openat monitor",
                "uninstall watch-open sys_openat"), inst.log);
        JsonNode json = JSON.readTree(policy("list", "--json").out());
        assertEquals("monitor", json.get("policies").get(0).get("mode").asText());
        assertEquals(1, json.get("running").asInt());
        assertEquals(0, json.get("errors").asInt());

        Run delete = policy("delete", "watch-open");
        assertEquals(0, delete.exit(), delete.err());
        assertEquals(List.of(), inst.live);
        assertEquals(1, policy("list").out().lines().count());
    }

    @Test
    void refusalsComeBackAsErrorsWithExitOne() throws Exception {
        Path broken = Path.of("../tracing-policies/src/test/resources/broken/operator-typo.yaml").toAbsolutePath().normalize();
        Run bad = policy("add", broken.toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().startsWith(broken + ":18:19: operator 'Equals' not known"), bad.err());
        assertTrue(bad.err().contains(broken + ":22:17: action 'sigkill' not known"), "every error: " + bad.err());
        assertEquals("", bad.out());
        assertEquals(List.of(), inst.log, "nothing of a broken file is installed");

        Run missing = policy("add", dir.resolve("nope.yaml").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("nope.yaml: no such file"), missing.err());

        Path good = Files.writeString(dir.resolve("a.yaml"), PolicyManagerTest.policy("a", "sys_openat"));
        assertEquals(0, policy("add", good.toString()).exit());
        inst.refuse.add("a");
        Files.writeString(good, PolicyManagerTest.policy("a", "sys_close"));
        Run refused = policy("add", good.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().startsWith(good + ":1:1: policy a cannot run: hook sys_nothing does not exist"),
                refused.err());
        JsonNode kept = JSON.readTree(policy("list", "--json").out()).get("policies").get(0);
        assertEquals("kept-previous", kept.get("state").asText(), kept.toString());
        assertEquals(List.of("install a sys_openat enforce"), inst.log);

        Run mode = policy("set-mode", "a", "sideways");
        assertEquals(1, mode.exit());
        assertTrue(mode.err().contains("mode must be enforce or monitor, not 'sideways'"), mode.err());
        Run unknown = policy("set-mode", "zz", "monitor");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("no policy named 'zz' is running"), unknown.err());
        Run gone = policy("delete", "zz");
        assertEquals(1, gone.exit());
        assertTrue(gone.err().contains("no policy named 'zz' is running"), gone.err());
        assertEquals(1, inst.live.size());
    }

    @Test
    void statusShowsThePolicies() throws Exception {
        Path f = Files.writeString(dir.resolve("a.yaml"), PolicyManagerTest.policy("a", "sys_openat"));
        manager.applyFile(f, PolicyManager.Origin.DIRECTORY);
        Files.writeString(f, "kind: TracingPolicy\nspec: [");
        manager.applyFile(f, PolicyManager.Origin.DIRECTORY);
        Run status = vigil("status", "--socket", sock.toString());
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("policies: 1 running, 1 with errors, watching /etc/vigil/tracing-policies\n"),
                status.out());
        assertTrue(status.out().contains("  kept-previous a: " + f + ":2:8: YAML syntax error"), status.out());
    }

    @Test
    void everyCommandExitsOneWhenNoAgentRuns() {
        Path none = dir.resolve("none.sock");
        for (String[] args : List.of(new String[] {"list"}, new String[] {"add", "x.yaml"},
                new String[] {"delete", "a"}, new String[] {"set-mode", "a", "monitor"})) {
            String[] all = new String[args.length + 3];
            all[0] = "policy";
            System.arraycopy(args, 0, all, 1, args.length);
            all[args.length + 1] = "--socket";
            all[args.length + 2] = none.toString();
            Run r = vigil(all);
            assertEquals(1, r.exit(), String.join(" ", all));
            assertTrue(r.err().startsWith("vigil: no agent running"), r.err());
        }
    }

    @Test
    void runRefusesAMissingPolicyDirBeforeLoadingAnything() {
        Run r = vigil("run", "--policy-dir", dir.resolve("missing").toString(), "--socket",
                dir.resolve("run2/vigil.sock").toString(), "--export-file", "none", "-o", "none");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--policy-dir " + dir.resolve("missing") + ": no such directory"), r.err());
        assertTrue(Files.notExists(dir.resolve("run2")), "no control socket was opened");
    }

    @Test
    void anAgentWithoutInstallerSaysWhy() throws Exception {
        Path other = dir.resolve("other/vigil.sock");
        try (ControlServer bare = new ControlServer(other)) {
            PolicyControl.registerUnavailable(bare, "this agent runs without tracing policies: reason");
            bare.start();
            Run r = vigil("policy", "list", "--socket", other.toString());
            assertEquals(1, r.exit());
            assertEquals("this agent runs without tracing policies: reason\n", r.err());
        }
    }
}

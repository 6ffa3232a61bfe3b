package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.agent.Agent;
import io.vigil.agent.AgentConfig;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.api.Event;
import io.vigil.api.json.EventJsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every policy of the shipped library (tracing-policies/library), end to end: the agent with the
 * kernel installer loads the files as its policy directory would, a real process does what the
 * policy watches for, and the agent's JSON carries the event; a near miss that the policy's
 * selectors exclude must not produce one. Runs on the host (tracepoint backend) and in the VM harness.
 */
@Tag("kernel")
class LibraryPoliciesKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(Boolean.getBoolean("vigil.test.vm") ? 120 : 10);
    /** How long a near miss is given to show up before we call it absent. */
    private static final Duration QUIET = Duration.ofSeconds(Boolean.getBoolean("vigil.test.vm") ? 6 : 2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventJsonWriter WRITER = new EventJsonWriter();
    /** A kernel built without module support has no module syscalls: the policy loads with no hooks. */
    private static final boolean MODULES = Files.exists(Path.of("/proc/modules"));
    private static Agent agent;
    private static CapturingSink sink;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        KernelTestSupport.requireRoot();
        sink = new CapturingSink();
        agent = Agent.start(AgentConfig.defaults().withBackend(KernelTestSupport.backend()).withNodeName("vigil-test"),
                List.of(sink), KernelPolicyInstaller.FACTORY);
        PolicyManager pm = agent.policies().orElseThrow();
        // as bin/setup installs them: a root-owned copy (the agent refuses files a user could write,
        // and a checkout may belong to one)
        Path installed = Files.createTempDirectory("vigil-library-");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(library())) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                files.add(Files.copy(p, installed.resolve(p.getFileName())));
            }
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            assertEquals(List.of(), pm.applyFile(f, PolicyManager.Origin.DIRECTORY), "loading " + f);
        }
        for (PolicyManager.Status st : pm.list()) {
            assertEquals(PolicyManager.State.RUNNING, st.state(), st.toString());
            boolean vacuous = st.name().equals("kernel-module-loads") && !MODULES;
            assertTrue(vacuous ? st.hooks() == 0 : st.hooks() > 0, st + ": hooks");
        }
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    static Path library() {
        String given = System.getProperty("vigil.library");
        if (given != null) {
            return Path.of(given);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path lib = d.resolve("tracing-policies/library");
            if (Files.isDirectory(lib)) {
                return lib;
            }
        }
        throw new IllegalStateException("tracing-policies/library not found above " + Path.of("").toAbsolutePath());
    }

    // ---- the policies

    @Test
    void credentialFiles() throws Exception {
        Path ssh = Files.createDirectories(tmp.resolve("home/.ssh"));
        Files.writeString(ssh.resolve("id_rsa"), "key\n");
        Files.writeString(ssh.resolve("id_rsa.pub"), "pub\n");
        long shadow = run("read -r x < /etc/shadow");
        long key = run("read -r x < " + ssh.resolve("id_rsa"));
        long pub = run("read -r x < " + ssh.resolve("id_rsa.pub") + "; read -r x < /etc/hostname");
        JsonNode e = awaitOne("credential-files", shadow);
        assertEquals("/etc/shadow", e.at("/args/0/file_arg/path").asText(), e.toString());
        assertEquals("Credential file read", e.get("message").asText());
        assertTrue(e.get("function_name").asText().endsWith("sys_read"), e.toString());
        assertEquals(ssh.resolve("id_rsa").toString(), awaitOne("credential-files", key).at("/args/0/file_arg/path").asText());
        assertNone("credential-files", pub);
    }

    @Test
    void etcFileIntegrity() throws Exception {
        Path etc = Path.of("/etc/vigil-e2e-" + ProcessHandle.current().pid());
        try {
            long hit = run("echo hi > " + etc);
            long miss = run("echo hi > " + tmp.resolve("not-etc"));
            JsonNode e = awaitOne("etc-file-integrity", hit);
            assertEquals(etc.toString(), e.at("/args/0/file_arg/path").asText(), e.toString());
            assertEquals(3, e.at("/args/1/size_arg").asLong(), e.toString());
            assertNone("etc-file-integrity", miss);
        } finally {
            Files.deleteIfExists(etc);
        }
    }

    @Test
    void execFromWritableDirs() throws Exception {
        assertTrue(tmp.toRealPath().startsWith("/tmp/"), "the test needs its temp dir under /tmp: " + tmp);
        Path bin = tmp.toRealPath().resolve("vigil-true");
        Files.copy(Path.of("/bin/true"), bin);
        bin.toFile().setExecutable(true);
        long hit = run(bin.toString());
        long miss = run("/bin/true");
        JsonNode e = awaitOne("exec-from-writable-dirs", hit);
        assertEquals(bin.toString(), e.at("/args/0/string_arg").asText(), e.toString());
        assertNone("exec-from-writable-dirs", miss);
    }

    @Test
    void kernelModuleLoads() throws Exception {
        if (!MODULES) {
            System.err.println("LibraryPoliciesKernelTest: THIS KERNEL HAS NO MODULE SUPPORT (no /proc/modules): "
                    + "kernel-module-loads is checked to load with no hooks; its events are tested in the VM harness");
            return;
        }
        Path empty = Files.writeString(tmp.resolve("empty.ko"), "");
        // finit_module on an empty file and delete_module of a module that does not exist: both fail, harmlessly
        long pid = python("""
                import ctypes, os
                libc = ctypes.CDLL(None, use_errno=True)
                fd = os.open("%s", os.O_RDONLY)
                libc.syscall(313, fd, b"vigil=1", 0)
                libc.syscall(176, b"vigil_e2e_nomod", os.O_NONBLOCK)
                """.formatted(empty));
        JsonNode load = await("kernel-module-loads", pid, e -> e.get("function_name").asText().endsWith("sys_finit_module"));
        assertEquals(empty.toString(), load.at("/args/0/file_arg/path").asText(), load.toString());
        assertEquals("vigil=1", load.at("/args/1/string_arg").asText(), load.toString());
        assertTrue(load.at("/return/int_arg").asInt() < 0, "finit_module of an empty file fails: " + load);
        JsonNode del = await("kernel-module-loads", pid, e -> e.get("function_name").asText().endsWith("sys_delete_module"));
        assertEquals("vigil_e2e_nomod", del.at("/args/0/string_arg").asText(), del.toString());
        assertEquals(-2, del.at("/return/int_arg").asInt(), "ENOENT: " + del);
    }

    @Test
    void namespaceEscapes() throws Exception {
        long hit = run("exec unshare -n /bin/true");
        long miss = run("exec unshare -u /bin/true");
        JsonNode e = awaitOne("namespace-escapes", hit);
        assertEquals(0x40000000, e.at("/args/0/int_arg").asInt() & 0x40000000, e.toString());
        assertNone("namespace-escapes", miss);
    }

    @Test
    void outboundConnects() throws Exception {
        // UDP connect sends nothing: the addresses need not exist (TEST-NET-3 and private space)
        String udp = """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                try:
                    s.connect(("%s", 9))
                except OSError:
                    pass
                """;
        long hit = python(udp.formatted("203.0.113.7"));
        long miss = python(udp.formatted("127.0.0.1") + udp.formatted("10.9.8.7"));
        JsonNode e = awaitOne("outbound-connects", hit);
        assertEquals("203.0.113.7", e.at("/args/1/sockaddr_arg/addr").asText(), e.toString());
        assertEquals(9, e.at("/args/1/sockaddr_arg/port").asInt(), e.toString());
        assertNone("outbound-connects", miss);
    }

    @Test
    void privilegeChanges() throws Exception {
        long hit = python("import os\nos.setuid(0)\n");
        long miss = python("import os\nos.setgid(65534)\nos.setuid(65534)\n");
        JsonNode e = awaitOne("privilege-changes", hit);
        assertEquals(0, e.at("/args/0/int_arg").asInt(), e.toString());
        assertEquals(0, e.at("/return/int_arg").asInt(), e.toString());
        assertNone("privilege-changes", miss);
    }

    @Test
    void ptraceAttach() throws Exception {
        String ptrace = """
                import ctypes, os, signal, subprocess
                libc = ctypes.CDLL(None, use_errno=True)
                libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
                child = subprocess.Popen(["sleep", "30"])
                if libc.ptrace(%s, child.pid, None, None) == 0:
                    os.waitpid(child.pid, 0)
                    libc.ptrace(17, child.pid, None, None)
                child.kill()
                child.wait()
                """;
        long hit = python(ptrace.formatted(16));           // PTRACE_ATTACH
        long miss = python(ptrace.formatted(0x4200));      // PTRACE_SETOPTIONS on an untraced child: ESRCH
        JsonNode e = awaitOne("ptrace-attach", hit);
        assertEquals(16, e.at("/args/0/long_arg").asLong(), e.toString());
        assertNone("ptrace-attach", miss);
    }

    @Test
    void sensitiveMounts() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        // a private mount namespace: nothing is mounted on the host
        long hit = run("exec unshare -m sh -c 'mount -t proc proc " + a + "'");
        long miss = run("exec unshare -m sh -c 'mount -t tmpfs vigil-e2e " + b + "'");
        JsonNode e = awaitOne("sensitive-mounts", hit, "mount");
        assertEquals(a.toString(), e.at("/args/1/string_arg").asText(), e.toString());
        assertEquals("proc", e.at("/args/2/string_arg").asText(), e.toString());
        assertEquals(0, e.at("/return/int_arg").asInt(), e.toString());
        assertNone("sensitive-mounts", miss, "mount");
    }

    // ---- helpers

    /** Runs a bash script to its end; its pid. */
    private static long run(String script) throws Exception {
        return exec(List.of("/bin/bash", "-c", script));
    }

    private static long python(String program) throws Exception {
        return exec(List.of("python3", "-c", program));
    }

    private static long exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        assertEquals(0, rc, cmd + " failed: " + out);
        return p.pid();
    }

    /** The policy's process_kprobe events of the process pid, or of its children when a binary is named. */
    private static List<JsonNode> events(String policy, long pid, String childBinary) {
        List<JsonNode> out = new ArrayList<>();
        for (Event ev : sink.matching(e -> true)) {
            JsonNode n = json(ev).get("process_kprobe");
            if (n == null || !policy.equals(n.path("policy_name").asText())) {
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

    private static JsonNode awaitOne(String policy, long pid) throws InterruptedException {
        return awaitOne(policy, pid, null);
    }

    private static JsonNode awaitOne(String policy, long pid, String childBinary) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> found = events(policy, pid, childBinary);
        while (found.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
            found = events(policy, pid, childBinary);
        }
        assertFalse(found.isEmpty(), "no " + policy + " event for pid " + pid + "; policy events seen:\n" + seen());
        return found.get(0);
    }

    private static JsonNode await(String policy, long pid, Predicate<JsonNode> which) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (JsonNode n : events(policy, pid, null)) {
                if (which.test(n)) {
                    return n;
                }
            }
            assertTrue(System.nanoTime() < end, "no matching " + policy + " event for pid " + pid + "; seen:\n" + seen());
            Thread.sleep(20);
        }
    }

    private static void assertNone(String policy, long pid) throws InterruptedException {
        assertNone(policy, pid, null);
    }

    private static void assertNone(String policy, long pid, String childBinary) throws InterruptedException {
        Thread.sleep(QUIET.toMillis());
        List<JsonNode> found = events(policy, pid, childBinary);
        assertTrue(found.isEmpty(), "a near miss fired " + policy + ":\n"
                + found.stream().map(JsonNode::toString).collect(Collectors.joining("\n")));
    }

    private static String seen() {
        return sink.matching(e -> json(e).has("process_kprobe")).stream().map(e -> json(e).get("process_kprobe"))
                .map(n -> n.path("policy_name").asText() + " pid " + n.at("/process/pid").asText() + " "
                        + n.path("function_name").asText() + " " + n.path("args"))
                .collect(Collectors.joining("\n"));
    }

    private static JsonNode json(Event e) {
        try {
            return JSON.readTree(WRITER.toJson(e));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}

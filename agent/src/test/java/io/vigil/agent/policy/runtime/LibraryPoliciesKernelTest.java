package io.vigil.agent.policy.runtime;

import static io.vigil.agent.kernel.PolicyKernelTests.bash;
import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.Agent;
import io.vigil.agent.kernel.CapturingSink;
import io.vigil.agent.kernel.PolicyEvents;
import io.vigil.agent.kernel.PolicyKernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    /** A kernel built without module support has no module syscalls: the policy loads with no hooks. */
    private static final boolean MODULES = Files.exists(Path.of("/proc/modules"));
    private static Agent agent;
    private static PolicyEvents events;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        CapturingSink sink = new CapturingSink();
        events = new PolicyEvents(sink);
        agent = PolicyKernelTests.startAgent(sink);
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
        long shadow = bash("read -r x < /etc/shadow");
        long key = bash("read -r x < " + ssh.resolve("id_rsa"));
        long pub = bash("read -r x < " + ssh.resolve("id_rsa.pub") + "; read -r x < /etc/hostname");
        JsonNode e = events.awaitOne("credential-files", shadow);
        assertEquals("/etc/shadow", e.at("/args/0/file_arg/path").asText(), e.toString());
        assertEquals("Credential file read", e.get("message").asText());
        assertTrue(e.get("function_name").asText().endsWith("sys_read"), e.toString());
        assertEquals(ssh.resolve("id_rsa").toString(), events.awaitOne("credential-files", key).at("/args/0/file_arg/path").asText());
        events.assertNone("credential-files", pub);
    }

    @Test
    void etcFileIntegrity() throws Exception {
        Path etc = Path.of("/etc/vigil-e2e-" + ProcessHandle.current().pid());
        try {
            long hit = bash("echo hi > " + etc);
            long miss = bash("echo hi > " + tmp.resolve("not-etc"));
            JsonNode e = events.awaitOne("etc-file-integrity", hit);
            assertEquals(etc.toString(), e.at("/args/0/file_arg/path").asText(), e.toString());
            assertEquals(3, e.at("/args/1/size_arg").asLong(), e.toString());
            events.assertNone("etc-file-integrity", miss);
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
        long hit = bash(bin.toString());
        long miss = bash("/bin/true");
        JsonNode e = events.awaitOne("exec-from-writable-dirs", hit);
        assertEquals(bin.toString(), e.at("/args/0/string_arg").asText(), e.toString());
        events.assertNone("exec-from-writable-dirs", miss);
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
        JsonNode load = events.await("kernel-module-loads", pid, e -> e.get("function_name").asText().endsWith("sys_finit_module"));
        assertEquals(empty.toString(), load.at("/args/0/file_arg/path").asText(), load.toString());
        assertEquals("vigil=1", load.at("/args/1/string_arg").asText(), load.toString());
        assertTrue(load.at("/return/int_arg").asInt() < 0, "finit_module of an empty file fails: " + load);
        JsonNode del = events.await("kernel-module-loads", pid, e -> e.get("function_name").asText().endsWith("sys_delete_module"));
        assertEquals("vigil_e2e_nomod", del.at("/args/0/string_arg").asText(), del.toString());
        assertEquals(-2, del.at("/return/int_arg").asInt(), "ENOENT: " + del);
    }

    @Test
    void namespaceEscapes() throws Exception {
        long hit = bash("exec unshare -n /bin/true");
        long miss = bash("exec unshare -u /bin/true");
        JsonNode e = events.awaitOne("namespace-escapes", hit);
        assertEquals(0x40000000, e.at("/args/0/int_arg").asInt() & 0x40000000, e.toString());
        events.assertNone("namespace-escapes", miss);
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
        JsonNode e = events.awaitOne("outbound-connects", hit);
        assertEquals("203.0.113.7", e.at("/args/1/sockaddr_arg/addr").asText(), e.toString());
        assertEquals(9, e.at("/args/1/sockaddr_arg/port").asInt(), e.toString());
        events.assertNone("outbound-connects", miss);
    }

    @Test
    void privilegeChanges() throws Exception {
        long hit = python("import os\nos.setuid(0)\n");
        long miss = python("import os\nos.setgid(65534)\nos.setuid(65534)\n");
        JsonNode e = events.awaitOne("privilege-changes", hit);
        assertEquals(0, e.at("/args/0/int_arg").asInt(), e.toString());
        assertEquals(0, e.at("/return/int_arg").asInt(), e.toString());
        events.assertNone("privilege-changes", miss);
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
        JsonNode e = events.awaitOne("ptrace-attach", hit);
        assertEquals(16, e.at("/args/0/long_arg").asLong(), e.toString());
        events.assertNone("ptrace-attach", miss);
    }

    @Test
    void sensitiveMounts() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        // a private mount namespace: nothing is mounted on the host
        long hit = bash("exec unshare -m sh -c 'mount -t proc proc " + a + "'");
        long miss = bash("exec unshare -m sh -c 'mount -t tmpfs vigil-e2e " + b + "'");
        JsonNode e = events.awaitOne("sensitive-mounts", hit, "mount");
        assertEquals(a.toString(), e.at("/args/1/string_arg").asText(), e.toString());
        assertEquals("proc", e.at("/args/2/string_arg").asText(), e.toString());
        assertEquals(0, e.at("/return/int_arg").asInt(), e.toString());
        events.assertNone("sensitive-mounts", miss, "mount");
    }
}

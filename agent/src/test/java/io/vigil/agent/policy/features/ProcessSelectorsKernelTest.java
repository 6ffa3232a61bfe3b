package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Selectors on the process rather than the arguments: matchBinaries, matchPIDs, matchNamespaces,
 * matchCapabilities. Each policy hooks openat(2) with a Prefix on the test's directory, so only the
 * test's own processes can fire it; the process selector then decides between hit and near miss.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class ProcessSelectorsKernelTest extends FeatureKernelTest {

    /** openat(2) under dir, with more selector filters (YAML, from column 0, the selector's keys). */
    private void openUnder(String name, Path dir, String selector) throws Exception {
        apply(name, """
                kprobes:
                - call: "sys_openat"
                  syscall: true
                  args:
                  - index: 1
                    type: "string"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Prefix"
                      values: ["%s/"]
                """.formatted(dir) + selector.indent(4));
    }

    /** A copy of an installed program under the test's bin directory, as its real path. */
    private Path copy(String program, String as) throws Exception {
        Path bin = dir("bin");
        Path to = bin.resolve(as);
        Files.copy(Path.of(program).toRealPath(), to, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(to.toFile().setExecutable(true));
        return to;
    }

    private static String binaries(String op, Object... values) {
        StringBuilder v = new StringBuilder();
        for (Object o : values) {
            v.append(v.length() == 0 ? "" : ", ").append('"').append(o).append('"');
        }
        return """
                matchBinaries:
                - operator: "%s"
                  values: [%s]
                """.formatted(op, v);
    }

    @Test
    void binariesInAndNotIn() throws Exception {
        Path f = file("w/f");
        Path a = copy("/bin/cat", "vigil-cat-a");
        Path b = copy("/bin/cat", "vigil-cat-b");
        openUnder("bin-in", f.getParent(), binaries("In", a));
        openUnder("bin-notin", f.getParent(), binaries("NotIn", a));
        long pa = run(a.toString(), f.toString());
        long pb = run(b.toString(), f.toString());
        assertEquals(a.toString(), events.awaitOne("bin-in", pa).at("/process/binary").asText());
        events.awaitOne("bin-notin", pb);
        events.assertNone("bin-in", pb);
        events.assertNone("bin-notin", pa);
    }

    @Test
    void binariesPrefixAndNotPrefix() throws Exception {
        Path f = file("w/f");
        Path a = copy("/bin/cat", "vigil-cat");
        Path b = copy("/bin/cat", "other-cat");
        openUnder("bin-prefix", f.getParent(), binaries("Prefix", a.getParent().resolve("vigil-")));
        openUnder("bin-notprefix", f.getParent(), binaries("NotPrefix", a.getParent().resolve("vigil-")));
        long pa = run(a.toString(), f.toString());
        long pb = run(b.toString(), f.toString());
        events.awaitOne("bin-prefix", pa);
        events.awaitOne("bin-notprefix", pb);
        events.assertNone("bin-prefix", pb);
        events.assertNone("bin-notprefix", pa);
    }

    @Test
    void binariesPostfixAndNotPostfix() throws Exception {
        Path f = file("w/f");
        Path a = copy("/bin/cat", "cat-x");
        Path b = copy("/bin/cat", "cat-y");
        openUnder("bin-postfix", f.getParent(), binaries("Postfix", "/cat-x"));
        openUnder("bin-notpostfix", f.getParent(), binaries("NotPostfix", "/cat-x"));
        long pa = run(a.toString(), f.toString());
        long pb = run(b.toString(), f.toString());
        events.awaitOne("bin-postfix", pa);
        events.awaitOne("bin-notpostfix", pb);
        events.assertNone("bin-postfix", pb);
        events.assertNone("bin-notpostfix", pa);
    }

    /** followChildren: the named shell's child cat fires; the same child of another shell does not. */
    @Test
    void binariesFollowChildren() throws Exception {
        Path f = file("w/f");
        Path shell = copy("/bin/bash", "vigil-bash");
        openUnder("bin-children", f.getParent(), """
                matchBinaries:
                - operator: "In"
                  values: ["%s"]
                  followChildren: true
                """.formatted(shell));
        String script = "cat " + f + " >/dev/null; true";   // "; true": the shell forks cat instead of exec'ing it
        long named = run(shell.toString(), "-c", script);
        long other = run("/bin/bash", "-c", script);
        JsonNode e = events.awaitOne("bin-children", named, "cat");
        assertEquals(named, e.at("/parent/pid").asLong(), e.toString());
        events.assertNone("bin-children", other, "cat");
    }

    /** A python process that waits for a line on stdin, then runs program; started, not yet run. */
    private static Process waiter(String program) throws Exception {
        return new ProcessBuilder("python3", "-c", "import os, sys\nsys.stdin.readline()\n" + program)
                .redirectErrorStream(true).start();
    }

    /** Lets the waiter go; its output. */
    private static String release(Process p) throws Exception {
        try (OutputStream in = p.getOutputStream()) {
            in.write('\n');
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static String pids(String op, boolean followForks, boolean namespace, long... pids) {
        StringBuilder v = new StringBuilder();
        for (long p : pids) {
            v.append(v.length() == 0 ? "" : ", ").append(p);
        }
        return """
                matchPIDs:
                - operator: "%s"
                  followForks: %s
                  isNamespacePID: %s
                  values: [%s]
                """.formatted(op, followForks, namespace, v);
    }

    @Test
    void pidsInAndNotIn() throws Exception {
        Path f = file("w/f");
        String open = "open('%s').close()\n".formatted(f);
        Process a = waiter(open);
        Process b = waiter(open);
        openUnder("pid-in", f.getParent(), pids("In", false, false, a.pid()));
        openUnder("pid-notin", f.getParent(), pids("NotIn", false, false, a.pid()));
        release(a);
        release(b);
        events.awaitOne("pid-in", a.pid());
        events.awaitOne("pid-notin", b.pid());
        events.assertNone("pid-in", b.pid());
        events.assertNone("pid-notin", a.pid());
    }

    /** followForks: a child forked after the policy loaded fires too; without it only the pid itself. */
    @Test
    void pidsFollowForks() throws Exception {
        Path f = file("w/f");
        Process p = waiter("""
                open('%s').close()
                child = os.fork()
                if child == 0:
                    open('%s').close()
                    os._exit(0)
                os.waitpid(child, 0)
                print(child)
                """.formatted(f, f));
        openUnder("pid-forks", f.getParent(), pids("In", true, false, p.pid()));
        openUnder("pid-noforks", f.getParent(), pids("In", false, false, p.pid()));
        long child = Long.parseLong(release(p).trim());
        events.awaitOne("pid-forks", child);
        events.awaitOne("pid-forks", p.pid());
        events.awaitOne("pid-noforks", p.pid());
        events.assertNone("pid-noforks", child);
    }

    /** isNamespacePID: pid 1 of a new PID namespace fires, its pid 2 does not. */
    @Test
    void pidsInTheProcessNamespace() throws Exception {
        Path hit = file("w/hit");
        Path miss = file("w/miss");
        openUnder("pid-ns", hit.getParent(), pids("In", false, true, 1));
        run("unshare", "--pid", "--fork", "cat", hit.toString());
        run("unshare", "--pid", "--fork", "/bin/bash", "-c", "cat " + miss + "; true");
        JsonNode e = events.awaitAny("pid-ns", n -> n.at("/args/0/string_arg").asText().equals(hit.toString()));
        assertTrue(e.at("/process/pid").asLong() != 1, "the event carries the host pid: " + e);
        events.assertNoneAny("pid-ns", n -> n.at("/args/0/string_arg").asText().equals(miss.toString()));
    }

    /** matchNamespaces Net with host_ns: a process in a new network namespace vs one in the host's. */
    @Test
    void namespacesNetHost() throws Exception {
        Path f = file("w/f");
        String ns = """
                matchNamespaces:
                - namespace: "Net"
                  operator: "%s"
                  values: ["host_ns"]
                """;
        openUnder("ns-host", f.getParent(), ns.formatted("In"));
        openUnder("ns-nothost", f.getParent(), ns.formatted("NotIn"));
        long host = run("cat", f.toString());
        long own = run("unshare", "--net", "cat", f.toString());
        events.awaitOne("ns-host", host);
        events.awaitOne("ns-nothost", own);
        events.assertNone("ns-host", own);
        events.assertNone("ns-nothost", host);
    }

    /** matchCapabilities Effective: root with CAP_SYS_ADMIN vs root that dropped it (bounding and inheritable sets). */
    @Test
    void capabilitiesEffective() throws Exception {
        Path f = file("w/f");
        String caps = """
                matchCapabilities:
                - type: "Effective"
                  operator: "%s"
                  values: ["CAP_SYS_ADMIN"]
                """;
        openUnder("cap-in", f.getParent(), caps.formatted("In"));
        openUnder("cap-notin", f.getParent(), caps.formatted("NotIn"));
        long admin = run("cat", f.toString());
        long dropped = run("setpriv", "--inh-caps=-sys_admin", "--bounding-set=-sys_admin", "cat", f.toString());
        events.awaitOne("cap-in", admin);
        events.awaitOne("cap-notin", dropped);
        events.assertNone("cap-in", dropped);
        events.assertNone("cap-notin", admin);
    }
}

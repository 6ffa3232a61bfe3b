package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.bash;
import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.bpf.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel-object argument types sent as a string (generic_kobj.h): dentry (path_arg), kiocb
 * (file_arg), net_device (net_dev_arg), on the kernel functions of Tetragon's examples or their
 * kin. Each hook is triggered for real; a string filter lets the hit through and not the near miss.
 * These are kprobe/fentry hooks on kernel functions no tracepoint stands for, so the test runs in
 * the VM harness (-Dvigil.test.backend=kprobe|fentry) and skips loudly on the tracepoint backend.
 */
@Tag("kernel")
class KernelObjectArgsKernelTest extends FeatureKernelTest {

    @BeforeAll
    static void requireKprobes() {
        Backend b = KernelTestSupport.backend().orElse(Backend.TRACEPOINT);
        if (b == Backend.TRACEPOINT) {
            System.err.println("!!! SKIPPING KernelObjectArgsKernelTest: the tracepoint backend cannot attach kprobes or "
                    + "fentry (this host's kernel refuses them); run it in the VM harness with -Dvigil.test.backend=kprobe");
        }
        assumeTrue(b != Backend.TRACEPOINT, "dentry, kiocb and net_device hooks need the kprobe or fentry backend");
    }

    /** security_inode_follow_link's dentry (security_inode_follow_link.yaml): the symlink being followed. */
    @Test
    void dentry() throws Exception {
        Path d = dir("links");
        Path target = file("links/target");
        Files.createSymbolicLink(d.resolve("link-hit"), target);
        Files.createSymbolicLink(d.resolve("link-miss"), target);
        apply("kobj-dentry", """
                kprobes:
                - call: "security_inode_follow_link"
                  syscall: false
                  args:
                  - index: 0
                    type: "dentry"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Postfix"
                      values: ["/link-hit"]
                """);
        long hit = bash("exec cat " + d.resolve("link-hit") + " > /dev/null");
        long miss = bash("exec cat " + d.resolve("link-miss") + " > /dev/null");
        JsonNode e = events.awaitOne("kobj-dentry", hit);
        // a dentry has no mount: the path is inside its filesystem, whose root may be above or at /tmp
        String path = e.at("/args/0/path_arg/path").asText();
        assertTrue(path.endsWith("/" + d.getFileName() + "/link-hit") && path.startsWith("/"), e.toString());
        events.assertNone("kobj-dentry", miss);
    }

    /** pipe_write's kiocb (as tty.yaml's tty_write, which the VM has no tty for): the FIFO's path. */
    @Test
    void kiocb() throws Exception {
        Path watched = dir("watched");
        Path other = dir("other");
        apply("kobj-kiocb", """
                kprobes:
                - call: "pipe_write"
                  syscall: false
                  args:
                  - index: 0
                    type: "kiocb"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%s/"]
                """.formatted(watched));
        String write = """
                import os
                p = "%s"
                os.mkfifo(p)
                fd = os.open(p, os.O_RDWR)
                os.write(fd, b"vigil")
                """;
        long hit = python(write.formatted(watched.resolve("fifo")));
        long miss = python(write.formatted(other.resolve("fifo")));
        JsonNode e = events.awaitOne("kobj-kiocb", hit);
        assertEquals(watched.resolve("fifo").toString(), e.at("/args/0/file_arg/path").asText(), e.toString());
        events.assertNone("kobj-kiocb", miss);
    }

    /** dev_hard_start_xmit's net_device (dev_hard_start_xmit.yaml): a UDP datagram to 127.0.0.1 leaves by lo. */
    @Test
    void netDevice() throws Exception {
        String hook = """
                kprobes:
                - call: "dev_hard_start_xmit"
                  syscall: false
                  args:
                  - index: 1
                    type: "net_device"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Equal"
                      values: ["%s"]
                """;
        apply("kobj-netdev", hook.formatted("lo"));
        apply("kobj-netdev-miss", hook.formatted("vigil-none0"));
        long pid = python("""
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.sendto(b"vigil", ("127.0.0.1", 9))
                """);
        JsonNode e = events.awaitOne("kobj-netdev", pid);
        assertEquals("lo", e.at("/args/0/net_dev_arg/name").asText(), e.toString());
        events.assertNone("kobj-netdev-miss", pid);
    }
}
